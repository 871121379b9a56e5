import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'
import type { Bindings, ChildLoggerOptions, LevelWithSilent } from 'pino'

type Level = Exclude<LevelWithSilent, 'silent'>

type PinoLike = FastifyBaseLogger & { isLevelEnabled(level: string): boolean }

/**
 * A request's logger, made when the request first writes a line at an enabled level. pino writes
 * a child's bindings (the request id) as text when the child is made, which a request that logs
 * nothing (every request when request lines are off) never needs.
 */
class LazyChild {
  #made: FastifyBaseLogger | undefined
  constructor(
    private readonly parent: PinoLike,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.#made?.level ?? this.parent.level
  }

  set level(level: string) {
    this.made().level = level
  }

  made(): FastifyBaseLogger {
    return (this.#made ??= this.parent.child(this.bindings, this.options))
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made().child(bindings, options)
  }

  silent(): void {}
  fatal(...args: unknown[]) {
    this.write('fatal', args)
  }
  error(...args: unknown[]) {
    this.write('error', args)
  }
  warn(...args: unknown[]) {
    this.write('warn', args)
  }
  info(...args: unknown[]) {
    this.write('info', args)
  }
  debug(...args: unknown[]) {
    this.write('debug', args)
  }
  trace(...args: unknown[]) {
    this.write('trace', args)
  }

  private write(level: Level, args: unknown[]) {
    if (!this.parent.isLevelEnabled(level)) return
    const made = this.made()
    Reflect.apply(made[level], made, args)
  }
}

/** Fastify's `childLoggerFactory`: request loggers made on first use (see `LazyChild`). */
export const lazyRequestLogger: FastifyServerOptions['childLoggerFactory'] = function (
  logger,
  bindings,
  options,
) {
  // A route's own level or serializers: a real child at once.
  if (options.level || options.serializers) return logger.child(bindings, options)
  return new LazyChild(logger as PinoLike, bindings, options) as unknown as FastifyBaseLogger
}
