import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

const configError = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('runs embedded with no environment at all', () => {
    expect(loadConfig({})).toEqual({
      env: 'development',
      host: '0.0.0.0',
      port: 8000,
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      databaseReplicaUrls: [],
      redisUrl: undefined,
      redisPrefix: '',
      publicUrl: 'http://127.0.0.1:8000/',
      jwtSecret: undefined,
      smsTestCode: undefined,
      logLevel: 'info',
      datacenterId: 0,
      workerId: 0,
      workers: 1,
      workerIndex: 0,
      cacheEnabled: true,
      writeBehindMs: 200,
      uploadMaxBytes: 5 * 1024 * 1024,
      trustProxy: false,
      realtimeAttach: true,
      recoGrpcUrl: undefined,
      recoPort: 8888,
      recoDeadlineMs: 300,
      consoleDir: path.resolve('console/dist'),
      jobs: {
        inServe: true,
        timezone: 'Asia/Shanghai',
        schedules: {
          'counter-repair': '0 3 * * *',
          purge: '30 * * * *',
          'stats-rollup': '5 * * * *',
        },
        lockTtlMs: 30_000,
        batchSize: 250,
        redisWatchMs: 10_000,
        traceLogRetentionDays: 14,
      },
      corsOrigins: '*',
      databaseConnectTimeoutMs: 2000,
      databaseQueryTimeoutMs: 5000,
      databaseReadYourWritesMs: 3000,
    })
  })

  it('reads CORS origins and database timeouts, and names bad values', () => {
    const config = loadConfig({
      CORS_ORIGINS: 'https://a.example.com, http://localhost:8080/',
      DATABASE_CONNECT_TIMEOUT_MS: '0',
      DATABASE_QUERY_TIMEOUT_MS: '15000',
    })
    expect(config.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:8080'])
    expect([config.databaseConnectTimeoutMs, config.databaseQueryTimeoutMs]).toEqual([0, 15000])
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*')
    const error = configError({ CORS_ORIGINS: 'a.example.com,https://ok.example.com/path' })
    expect(error.problems).toEqual([
      expect.stringMatching(
        /^CORS_ORIGINS must be \* or comma-separated origins.*a\.example\.com, https:\/\/ok\.example\.com\/path/,
      ),
    ])
    expect(configError({ DATABASE_QUERY_TIMEOUT_MS: '-1' }).problems).toEqual([
      expect.stringContaining('DATABASE_QUERY_TIMEOUT_MS'),
    ])
  })

  it('is silent under test and reads every variable it knows', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '9000',
      HOST: '127.0.0.1',
      DATA_DIR: '/tmp/headline',
      DATABASE_URL: 'mysql://u:p@db:3306/toutiao',
      DATABASE_REPLICA_URLS: 'mysql://r1/toutiao, mysql://r2/toutiao',
      REDIS_URL: 'redis://cache:6379/1',
      REDIS_PREFIX: 'hl:',
      PUBLIC_URL: 'https://cdn.example.com/files',
      JWT_SECRET: 'a-secret-of-enough-length',
      SMS_TEST_CODE: '123456',
      DATACENTER_ID: '3',
      WORKER_ID: '31',
      CACHE_ENABLED: 'off',
      UPLOAD_MAX_BYTES: '2048',
      TRUST_PROXY: 'yes',
      CONSOLE_DIR: '/srv/headline-console',
    })
    expect(config).toMatchObject({
      env: 'test',
      logLevel: 'silent',
      port: 9000,
      host: '127.0.0.1',
      dataDir: '/tmp/headline',
      databaseReplicaUrls: ['mysql://r1/toutiao', 'mysql://r2/toutiao'],
      redisPrefix: 'hl:',
      publicUrl: 'https://cdn.example.com/files/',
      datacenterId: 3,
      workerId: 31,
      cacheEnabled: false,
      uploadMaxBytes: 2048,
      trustProxy: true,
      consoleDir: '/srv/headline-console',
    })
  })

  it('reads WORKERS, auto as one per core, and refuses several workers without Redis', () => {
    const redis = { REDIS_URL: 'redis://cache:6379' }
    expect(loadConfig({ NODE_ENV: 'test' }).workers).toBe(1)
    expect(loadConfig({ NODE_ENV: 'test', WORKERS: '4', ...redis }).workers).toBe(4)
    expect(loadConfig({ NODE_ENV: 'test', WORKERS: 'auto', ...redis }).workers).toBe(
      Math.min(os.availableParallelism(), 32),
    )
    expect(configError({ WORKERS: '2' }).message).toContain('WORKERS=2 needs REDIS_URL')
  })

  it('names every bad variable in one error', () => {
    const error = configError({ PORT: '70000', REDIS_URL: 'http://cache:6379', LOG_LEVEL: 'loud' })
    expect(error.problems).toHaveLength(3)
    for (const name of ['PORT', 'REDIS_URL', 'LOG_LEVEL']) expect(error.message).toContain(name)
  })

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '80.5'],
    ['WORKER_ID', '32'],
    ['CACHE_ENABLED', 'maybe'],
    ['DATABASE_URL', 'postgres://db/toutiao'],
    ['DATABASE_REPLICA_URLS', 'mysql://r1/t,sqlite://r2'],
    ['SMS_TEST_CODE', '12345'],
    ['JWT_SECRET', 'short'],
    ['NODE_ENV', 'staging'],
    ['PUBLIC_URL', 'ftp://files'],
    ['RECO_GRPC_URL', 'http://reco:8888'],
    ['RECO_GRPC_URL', 'reco'],
    ['RECO_PORT', '65536'],
    ['RECO_DEADLINE_MS', '5'],
    ['WORKERS', '0'],
    ['WORKERS', '33'],
    ['WORKERS', 'many'],
    ['DATABASE_READ_YOUR_WRITES_MS', '-1'],
  ])('rejects %s=%s', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(name)
  })

  it('reads S3 storage and its public URL, and names a bad STORAGE_URL', () => {
    const config = loadConfig({
      STORAGE_URL: 's3://media?endpoint=http://minio:9000&region=us-east-1',
      STORAGE_PUBLIC_URL: 'https://cdn.example.com/media',
    })
    expect([config.storageUrl, config.storagePublicUrl]).toEqual([
      's3://media?endpoint=http://minio:9000&region=us-east-1',
      'https://cdn.example.com/media/',
    ])
    expect(configError({ STORAGE_URL: 'ftp://media' }).problems).toEqual([
      'STORAGE_URL must be s3://<bucket>?endpoint=…&region=…, got "ftp://media"',
    ])
  })

  const SMS_URL =
    'tencentcloud://AKIDexample:s3cr%2Fet@sms.tencentcloudapi.com?sdkAppId=1400000000&signName=Headline&templateId=123456&region=ap-guangzhou'

  it('requires JWT_SECRET and a real SMS sender in production', () => {
    const message = configError({ NODE_ENV: 'production' }).message
    expect(message).toContain('JWT_SECRET')
    expect(message).toContain('SMS_URL is required')
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-secret-of-enough-length', SMS_URL }).env,
    ).toBe('production')
  })

  it('reads a Tencent Cloud SMS_URL', () => {
    expect(loadConfig({ SMS_URL }).sms).toEqual({
      provider: 'tencentcloud',
      secretId: 'AKIDexample',
      secretKey: 's3cr/et',
      endpoint: 'sms.tencentcloudapi.com',
      protocol: 'https://',
      region: 'ap-guangzhou',
      sdkAppId: '1400000000',
      signName: 'Headline',
      templateId: '123456',
    })
    expect(loadConfig({}).sms).toBeUndefined()
  })

  it.each([
    'aliyun://id:key@dysmsapi.aliyuncs.com?signName=x',
    'tencentcloud://only-id@sms.tencentcloudapi.com?sdkAppId=1&signName=s&templateId=2&region=r',
    'tencentcloud://id:topsecret@sms.tencentcloudapi.com?sdkAppId=1&signName=s&region=r',
    'tencentcloud://id:topsecret@sms.tencentcloudapi.com?sdkAppId=1&signName=s&templateId=2&region=r&protocol=ftp',
  ])('rejects SMS_URL=%s without repeating its secret', (url) => {
    const { message } = configError({ SMS_URL: url })
    expect(message).toContain('SMS_URL must look like tencentcloud://')
    expect(message).not.toContain('topsecret')
  })

  it('refuses the SMS test code in production', () => {
    const env = { NODE_ENV: 'production', JWT_SECRET: 'a-secret-of-enough-length', SMS_URL }
    expect(configError({ ...env, SMS_TEST_CODE: '246810' }).message).toContain('SMS_TEST_CODE')
  })

  it.each([
    'redis://:pw@cache:6379/0',
    'rediss://cache:6380',
    'redis+sentinel://:pw@h1:26379,h2:26379/mymaster/2',
    'redis+cluster://h1:7000,h2:7001,h3:7002',
  ])('accepts REDIS_URL=%s', (url) => {
    expect(loadConfig({ REDIS_URL: url }).redisUrl).toBe(url)
  })

  it.each(['127.0.0.1:8888', 'grpc://reco.internal:8888', 'grpc://[::1]:8888'])(
    'accepts RECO_GRPC_URL=%s',
    (url) => {
      expect(loadConfig({ RECO_GRPC_URL: url }).recoGrpcUrl).toBe(url)
    },
  )

  it('is frozen, lists included', () => {
    const config = loadConfig({ DATABASE_REPLICA_URLS: 'mysql://r1/t' })
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.databaseReplicaUrls)).toBe(true)
    expect(() => ((config as { port: number }).port = 1)).toThrow(TypeError)
  })
})
