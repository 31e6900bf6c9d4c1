import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { useMemo } from 'react';
import { istioApiRef, type IstioApi } from './IstioApi';
import { IstioClient } from './IstioClient';

/**
 * The Istio API for the plugin's components. The default {@link IstioClient} gets the
 * app's API holder, where it looks up the Kubernetes plugin's auth providers when a
 * cluster needs the user's token: API factories cannot depend on an API the app may
 * not have. Any other implementation is returned as it is.
 */
export function useIstioApi(): IstioApi {
  const istioApi = useApi(istioApiRef);
  const apiHolder = useApiHolder();
  return useMemo(
    () =>
      istioApi instanceof IstioClient
        ? istioApi.withApiHolder(apiHolder)
        : istioApi,
    [istioApi, apiHolder],
  );
}
