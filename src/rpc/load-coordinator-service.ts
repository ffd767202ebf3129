import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { PROTO_LOADER_OPTIONS } from '../wire/run-messages.js';

/** proto/ at the package root: src/rpc/ compiles to dist/src/rpc/. */
const PROTO_ROOT = fileURLToPath(new URL('../../../proto/', import.meta.url));

export interface CoordinatorServiceDefinition {
  readonly service: ServiceDefinition;
  readonly Client: ServiceClientConstructor;
}

let loaded: CoordinatorServiceDefinition | undefined;

/** The Coordinator service of proto/sweeper/v1/coordinator.proto, loaded once per process. */
export function loadCoordinatorService(): CoordinatorServiceDefinition {
  if (loaded) return loaded;
  const definition = loadSync('sweeper/v1/coordinator.proto', { ...PROTO_LOADER_OPTIONS, defaults: true, includeDirs: [PROTO_ROOT] });
  const grpcObject = loadPackageDefinition(definition);
  const v1 = (grpcObject.sweeper as GrpcObject).v1 as GrpcObject;
  const Client = v1.Coordinator as ServiceClientConstructor;
  loaded = { service: Client.service, Client };
  return loaded;
}
