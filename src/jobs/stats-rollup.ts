import type { Deps } from '../deps.js'
import { hourOf } from '../infra/store/activity.js'
import type { Job, JobChanges } from './job.js'
import { eventTimes, saveDay, type Measures } from './stats.repo.js'
import { localDay, localHour, zonedTime } from './zoned-time.js'

type RollupDeps = Pick<Deps, 'db' | 'activity' | 'config'>

/** Keywords kept per day (the most searched). */
const KEYWORDS_PER_DAY = 1000
const HOUR_MS = 3_600_000

/**
 * Rolls up one local day (`YYYY-MM-DD` in JOBS_TIMEZONE) into stat_daily, stat_hourly and
 * stat_search_keyword, up to the hour `now` is in. Idempotent: run it again and the rows are
 * rewritten with the same numbers.
 */
export async function rollupDay(deps: RollupDeps, day: string, now = Date.now()) {
  const zone = deps.config.jobs.timezone
  const start = zonedTime(day, 0, zone)
  const end = zonedTime(localDay(start + 26 * HOUR_MS, zone), 0, zone)
  const events = await eventTimes(deps.db.write, new Date(start), new Date(end))
  const hourly = new Map<number, Measures>()
  const dailyUsers = new Set<string>()
  const keywords = new Map<string, number>()
  for (let at = start; at < end && at <= now; at += HOUR_MS) {
    const activity = await deps.activity.hour(hourOf(at))
    const inHour = (ms: number) => ms >= at && ms < at + HOUR_MS
    const count = (times: number[]) => times.filter(inHour).length
    for (const login of events.logins) if (inHour(login.ms)) activity.users.add(login.user)
    for (const user of activity.users) dailyUsers.add(user)
    for (const [word, n] of activity.keywords) keywords.set(word, (keywords.get(word) ?? 0) + n)
    hourly.set(localHour(at, zone), {
      new_users: count(events.newUsers),
      active_users: activity.users.size,
      new_articles: count(events.newArticles),
      approved_articles: count(events.approvedArticles),
      new_comments: count(events.newComments),
      article_reads: activity.reads,
      searches: activity.searches,
    })
  }
  const sum = (measure: keyof Measures) =>
    [...hourly.values()].reduce((total, hour) => total + Number(hour[measure]), 0)
  const daily: Measures = {
    new_users: sum('new_users'),
    active_users: dailyUsers.size,
    new_articles: sum('new_articles'),
    approved_articles: sum('approved_articles'),
    new_comments: sum('new_comments'),
    article_reads: sum('article_reads'),
    searches: sum('searches'),
  }
  const top = [...keywords].sort((a, b) => b[1] - a[1]).slice(0, KEYWORDS_PER_DAY)
  await saveDay(deps.db.write, day, daily, hourly, new Map(top))
  return { hours: hourly.size, keywords: top.length }
}

/** Hourly: today so far and all of yesterday (so the 00:05 run closes the day before). */
export const statsRollupJob: Job = {
  name: 'stats-rollup',
  description: 'daily and hourly statistics (users, articles, comments, reads, searches, keywords)',
  async run(deps, context) {
    const zone = deps.config.jobs.timezone
    const now = context.due.getTime()
    const changes: JobChanges = { days: 0, hours: 0, keywords: 0 }
    for (const day of [localDay(now - 24 * HOUR_MS, zone), localDay(now, zone)]) {
      context.checkpoint()
      const done = await rollupDay(deps, day, now)
      changes['days']! += 1
      changes['hours']! += done.hours
      changes['keywords']! += done.keywords
    }
    return changes
  },
}
