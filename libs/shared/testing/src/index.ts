export { createTestDatabase, TEST_PG_ADMIN_URL, type TestDatabase } from './test-database';
export { uniqueQueuePrefix, uniqueBucketName, TEST_REDIS_URL, TEST_S3_ENDPOINT } from './unique';
export { freePort, portOpen, waitFor } from './ports';
export { startPrivateRedis, startPrivatePostgres, type PrivateRedis, type PrivatePostgres } from './private-servers';
export { startPrivateRedisCluster, type PrivateRedisCluster } from './private-redis-cluster';
export { startApp, WORKSPACE_ROOT, type AppProcess } from './processes';
export { startTestPlatform, type TestPlatform } from './test-platform';
export { procStatusKb, RssSampler } from './rss-sampler';
export { countProtobufSpans, OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
