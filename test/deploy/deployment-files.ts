import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageCommands, REPO } from '../helpers/markdown.js';
import { execForm, instructions, origin, parseDockerfile, type Stage } from './dockerfile.js';
import { loadManifests, onlyContainer, type DeploymentManifest } from './kubernetes-manifests.js';
import type { PodUser } from './pod-process.js';

/** The page that documents the deployment, whose commands the deploy tests read. */
export const PAGE = 'docs/deploy.md';

/** The Dockerfile's stages; the last is the image. */
export const stages = parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
export const runtime = stages.at(-1) as Stage;

export const manifests = loadManifests();
export const coordinatorDeployment = manifests.deployment('sweeper-coordinator');
export const workerDeployment = manifests.deployment('sweeper-worker');
export const coordinator = onlyContainer(coordinatorDeployment);
export const worker = onlyContainer(workerDeployment);
export const service = manifests.service('sweeper-coordinator');

/** The commands docs/deploy.md shows, `npx ` dropped. */
export const pageShows = pageCommands(PAGE).map((c) => c.command);

/** The image's entrypoint (`node SCRIPT`) and the file of this repository SCRIPT is. */
export function entrypoint(): { argv: string[]; script: string } {
  const last = instructions(runtime, 'ENTRYPOINT').at(-1);
  assert.ok(last, 'the runtime stage has an ENTRYPOINT');
  const argv = execForm(last);
  assert.equal(argv.length, 2, 'ENTRYPOINT is node and a script');
  const from = origin(stages, runtime, argv[1] as string);
  assert.ok('context' in from, `${argv[1]} is a file of the repository, copied in; it comes from ${JSON.stringify(from)}`);
  return { argv, script: join(REPO, from.context) };
}

/** The user the image runs as: `USER uid[:gid]`. */
export function imageUser(): { uid: number; gid: number | undefined } {
  const user = instructions(runtime, 'USER').at(-1)?.value ?? 'root';
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  assert.ok(match, `USER ${user} is numeric: Kubernetes cannot check runAsNonRoot against a name`);
  return { uid: Number(match[1]), gid: match[2] === undefined ? undefined : Number(match[2]) };
}

/** The user and groups a Deployment's pods run as. */
export function podUser(deployment: DeploymentManifest): PodUser {
  const context = deployment.spec.template.spec.securityContext;
  assert.ok(
    context.runAsUser !== undefined && context.runAsGroup !== undefined,
    `${deployment.metadata.name} sets runAsUser and runAsGroup`,
  );
  return { uid: context.runAsUser, gid: context.runAsGroup, fsGroup: context.fsGroup };
}
