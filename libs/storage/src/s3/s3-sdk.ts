import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import type * as Presigner from '@aws-sdk/s3-request-presigner';

export interface S3Sdk {
  client: typeof ClientS3;
  storage: typeof LibStorage;
  presigner: typeof Presigner;
}

let loaded: S3Sdk | undefined;

/**
 * The AWS SDK packages, required on first use rather than imported: a gateway or worker whose
 * storage is the local disk never builds an S3 client, and loading the SDK anyway cost each
 * process (and each sandbox thread) a few MB of heap for its code (docs/operations.md).
 */
export function s3Sdk(): S3Sdk {
  loaded ??= {
    client: require('@aws-sdk/client-s3') as typeof ClientS3,
    storage: require('@aws-sdk/lib-storage') as typeof LibStorage,
    presigner: require('@aws-sdk/s3-request-presigner') as typeof Presigner,
  };
  return loaded;
}
