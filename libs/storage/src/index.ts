export type { ObjectHead, ObjectStorage, OpenedObject, OpenReadOptions, WriteBody, WriteOptions, WrittenObject } from './object-storage';
export {
  clientStorageMessage,
  isAbortError,
  isTransientStorageError,
  ObjectNotFoundError,
  StorageAccessError,
  StorageError,
  StorageUnavailableError,
  StorageUriError,
  UploadTooLargeError,
  type StorageErrorOptions,
  type StorageUriErrorReason,
} from './errors';
export { parseStorageUri } from './uri/parse-storage-uri';
export { formatStorageLocation, type LocalLocation, type S3Location, type StorageLocation, type StorageUriPolicy } from './uri/storage-location';
export { isValidBucketName } from './uri/bucket-name';
export { LocalDiskStorage } from './local/local-disk-storage';
export { S3ObjectStorage, type S3ObjectStorageOptions } from './s3/s3-object-storage';
export { createS3Client, DEFAULT_S3_TUNING, type S3ClientTuning } from './s3/s3-client';
export { classifyS3Error } from './s3/s3-errors';
export { CompositeStorage } from './composite-storage';
export { createStorage, createStorageFromConfig, storageUriPolicy, type CreateStorageOptions } from './create-storage';
export { RESULT_FILES, resultLocation, type ResultPart, type ResultRun } from './results';
export { pickUploadTarget, prefixBesideResults, uploadsPrefix, uploadTargetUri } from './uploads/upload-target';
export { FEED_NAME, feedLocations, type FeedLocations } from './feeds/feed-location';
export { storeUpload, type StoredUpload, type StoreUploadOptions } from './uploads/store-upload';
export { UploadMeter } from './uploads/upload-meter';
export { ScopedStorage } from './scope/scoped-storage';
export { openScope, tenantPrefix, tenantScope, SAMPLES_FOLDER, TENANTS_FOLDER, type StorageScope } from './scope/storage-scope';
export { storageHome, resultsPathInHome, type StorageHome } from './scope/storage-home';
export { resolveScopedUri, toScopedUri, type ScopeContext, type StorageAccess } from './scope/resolve-scoped-uri';
