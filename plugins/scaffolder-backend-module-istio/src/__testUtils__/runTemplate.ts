import fs from 'node:fs';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import request from 'supertest';
import yaml from 'yaml';

type Server = Parameters<typeof request>[0];

/** The repository root (templates live under `examples/templates`). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/**
 * Reads a template entity from a YAML file in the repository (one document, no
 * aliases), and marks it as located there, as the catalog would.
 */
export function loadTemplate(relativePath: string): Entity {
  const file = path.join(REPO_ROOT, relativePath);
  const docs = yaml.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  if (docs.length !== 1 || docs[0].errors.length > 0)
    throw new Error(
      `${relativePath} must hold exactly one valid YAML document`,
    );
  const entity = docs[0].toJS({ maxAliasCount: 0 }) as Entity;
  if (entity.kind !== 'Template')
    throw new Error(`${relativePath} is a ${entity.kind}, not a Template`);
  return {
    ...entity,
    metadata: {
      namespace: 'default',
      ...entity.metadata,
      annotations: {
        ...entity.metadata.annotations,
        'backstage.io/managed-by-location': `file:${file}`,
        'backstage.io/managed-by-origin-location': `file:${file}`,
      },
    },
  };
}

/** A file of the template's directory, as the dry-run endpoint takes it. */
export interface DryRunFile {
  path: string;
  base64Content: string;
}

/** The files next to a template (what the template editor would send), without the template itself. */
export function templateDirectoryContents(relativePath: string): DryRunFile[] {
  const dir = path.dirname(path.join(REPO_ROOT, relativePath));
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(
      d =>
        d.isFile() &&
        path.join(d.parentPath, d.name) !== path.join(REPO_ROOT, relativePath),
    )
    .map(d => {
      const full = path.join(d.parentPath, d.name);
      return {
        path: path.relative(dir, full),
        base64Content: fs.readFileSync(full).toString('base64'),
      };
    });
}

/** One event of a task, as `GET /v2/tasks/:id/events` answers it. */
export interface TaskEvent {
  type: 'log' | 'completion' | 'cancelled' | 'recovered';
  body: {
    message: string;
    stepId?: string;
    status?: string;
    output?: Record<string, unknown>;
    error?: { name?: string; message?: string };
  };
}

/** How a task ended. */
export interface TaskResult {
  id: string;
  status: string;
  events: TaskEvent[];
  /** The template's `output`, when it completed. */
  output?: Record<string, unknown>;
  /** The log lines, for assertions and for a readable failure. */
  log: string[];
}

const AUTH = { Authorization: mockCredentials.user.header() };

/**
 * `POST /api/scaffolder/v2/dry-run`: runs the template in dry-run mode (the actions
 * that support it run with `isDryRun`; the rest are skipped). Answers the status and
 * body, so a test can also check refusals.
 */
export async function dryRunTemplate(
  server: Server,
  options: {
    template: Entity;
    values: Record<string, unknown>;
    directoryContents?: DryRunFile[];
    authorization?: string;
  },
) {
  const res = await request(server)
    .post('/api/scaffolder/v2/dry-run')
    .set('Authorization', options.authorization ?? AUTH.Authorization)
    .send({
      template: options.template,
      values: options.values,
      directoryContents: options.directoryContents ?? [],
    });
  return res;
}

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/** `POST /api/scaffolder/v2/tasks` for a template the catalog holds; answers the task id. */
export async function startTemplateTask(
  server: Server,
  options: {
    template: Entity;
    values: Record<string, unknown>;
    authorization?: string;
  },
): Promise<string> {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', options.authorization ?? AUTH.Authorization)
    .send({
      templateRef: stringifyEntityRef(options.template),
      values: options.values,
    });
  if (created.status !== 201)
    throw new Error(
      `Creating the task answered ${created.status}: ${JSON.stringify(
        created.body,
      )}`,
    );
  return created.body.id as string;
}

/** `POST /api/scaffolder/v2/tasks/:id/cancel`. */
export async function cancelTask(
  server: Server,
  id: string,
  authorization = AUTH.Authorization,
) {
  const res = await request(server)
    .post(`/api/scaffolder/v2/tasks/${id}/cancel`)
    .set('Authorization', authorization);
  if (res.status !== 200)
    throw new Error(`Cancelling task ${id} answered ${res.status}`);
}

/** Polls `GET /api/scaffolder/v2/tasks/:id` until the task has finished, then reads its events. */
export async function waitForTask(
  server: Server,
  id: string,
  options: { timeoutMs?: number; authorization?: string } = {},
): Promise<TaskResult> {
  const authorization = options.authorization ?? AUTH.Authorization;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let status = '';
  while (!FINISHED.has(status)) {
    if (Date.now() > deadline)
      throw new Error(`Task ${id} did not finish in time (status ${status})`);
    await new Promise(resolve => setTimeout(resolve, 100));
    const task = await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}`)
      .set('Authorization', authorization);
    status = task.body.status;
  }
  const events = (
    await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}/events`)
      .set('Authorization', authorization)
  ).body as TaskEvent[];
  return {
    id,
    status,
    events,
    output: events.find(e => e.type === 'completion')?.body.output,
    log: events.map(e => e.body.message),
  };
}

/** Runs a template the catalog holds as a task, to the end. */
export async function runTemplateTask(
  server: Server,
  options: {
    template: Entity;
    values: Record<string, unknown>;
    timeoutMs?: number;
    authorization?: string;
  },
): Promise<TaskResult> {
  const id = await startTemplateTask(server, options);
  return waitForTask(server, id, options);
}
