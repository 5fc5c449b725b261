export interface S3Location {
  kind: 's3';
  bucket: string;
  key: string;
}

export interface LocalLocation {
  kind: 'local';
  /** Real absolute path (symlinks of existing ancestors resolved), always inside the root. */
  absolutePath: string;
  /** The same path relative to the real root, with `/` separators. */
  relativePath: string;
}

export type StorageLocation = S3Location | LocalLocation;

/** What parseStorageUri accepts. */
export interface StorageUriPolicy {
  /** Root folder for local paths; without it, local paths are refused. */
  localRoot?: string;
  /** Buckets an s3:// URI may name: absent means any, a list means exactly those (empty: none). */
  allowedBuckets?: readonly string[];
  /** Set false when no S3 backend is configured, so s3:// URIs are refused up front. */
  allowS3?: boolean;
}

/** The canonical URI of a location: `s3://bucket/key`, or the path relative to the local root. */
export function formatStorageLocation(location: StorageLocation): string {
  return location.kind === 's3' ? `s3://${location.bucket}/${location.key}` : location.relativePath;
}
