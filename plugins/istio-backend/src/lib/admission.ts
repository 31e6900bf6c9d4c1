import { ServiceUnavailableError } from '@backstage/errors';
import type { RequestHandler } from 'express';

/** Limits of {@link createAdmission}. */
export interface AdmissionLimits {
  /** Requests worked on at once. */
  maxConcurrent: number;
  /** Requests that may wait for a slot; more are refused at once. */
  maxQueued: number;
}

/**
 * Bounds the work a burst can start: at most `maxConcurrent` requests run, up to
 * `maxQueued` wait in order, and the rest get 503 with `Retry-After` straight away,
 * before any cluster call. Memory stays bounded and nothing waits past the deadline
 * only to answer with timeouts.
 */
export function createAdmission(limits: AdmissionLimits): RequestHandler {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return (_req, res, next) => {
    if (active >= limits.maxConcurrent && waiting.length >= limits.maxQueued) {
      res.setHeader('Retry-After', '1');
      next(
        new ServiceUnavailableError(
          'The Istio backend is busy; retry in a moment',
        ),
      );
      return;
    }
    let released = false;
    const done = () => {
      if (released) return;
      released = true;
      release();
    };
    const start = () => {
      res.once('finish', done);
      res.once('close', done);
      next();
    };
    if (active < limits.maxConcurrent) {
      active++;
      start();
    } else {
      // The slot is handed over by `release`, so `active` stays as it is.
      waiting.push(start);
      // A client that gives up while queued frees its place in the queue.
      res.once('close', () => {
        const index = waiting.indexOf(start);
        if (index >= 0) waiting.splice(index, 1);
      });
    }
  };
}
