export { createTestDatabase, TEST_PG_ADMIN_URL, type TestDatabase } from './test-database';
export { uniqueQueuePrefix, uniqueBucketName, TEST_REDIS_URL, TEST_S3_ENDPOINT } from './unique';
