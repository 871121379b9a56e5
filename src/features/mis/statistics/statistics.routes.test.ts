import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../../test/app.js'
import { send } from '../../../../test/inject.js'
import { superAdmin } from '../../../../test/mis.js'
import { localDay } from './statistics.service.js'

const DAY = 86_400_000

describe('mis statistics from the rollups', () => {
  let t: TestApp
  let admin: Record<string, string>
  const today = localDay(new Date(), 'Asia/Shanghai')
  const dayBefore = (n: number) =>
    new Date(Date.parse(`${today}T00:00:00Z`) - n * DAY).toISOString().slice(0, 10)
  beforeAll(async () => {
    t = await buildTestApp()
    admin = (await superAdmin(t)).auth
    const db = t.deps.db.write
    await db.deleteFrom('stat_daily').execute()
    await db.deleteFrom('stat_hourly').execute()
    await db.deleteFrom('stat_search_keyword').execute()
    // Rows as the stats-rollup job writes them: today, yesterday, and a day eight days ago.
    const rows: [string, number, number][] = [
      [today, 6, 40],
      [dayBefore(1), 3, 20],
      [dayBefore(8), 1, 10],
    ]
    for (const [day, newUsers, reads] of rows)
      await db
        .insertInto('stat_daily')
        .values({ day, new_users: newUsers, article_reads: reads, approved_articles: 2 } as never)
        .execute()
    await db
      .insertInto('stat_hourly')
      .values({ day: today, hour: 9, new_users: 6 } as never)
      .execute()
    for (const [day, keyword, searches] of [
      [today, 'python', 5],
      [dayBefore(2), 'python', 3],
      [today, 'redis', 2],
      [dayBefore(9), 'python', 4],
    ] as const)
      await db.insertInto('stat_search_keyword').values({ day, keyword, searches }).execute()
  })
  afterAll(() => t?.close())

  const get = async (url: string) => {
    const response = await send(t.app, 'GET', `/mis/v1_0${url}`, admin)
    expect(response.statusCode, response.body).toBe(200)
    return response.json().data
  }

  it('totals: today, the changes on yesterday and on last week, the daily average', async () => {
    expect(await get('/statistics_basic?type=new_user')).toEqual({
      day_count: 6,
      day_percent: 100,
      week_percent: 800,
      day_average: 1.11,
      total_days: 9,
      total_count: 10,
    })
    expect((await get('/statistics_basic?type=access')).total_count).toBe(0)
    // Beyond the original's types: approved articles, for the console's review chart.
    expect((await get('/statistics_basic?type=article_approved')).total_count).toBe(6)
    const bad = await send(t.app, 'GET', '/mis/v1_0/statistics_basic?type=nope', admin)
    expect(bad.statusCode).toBe(400)
  })

  it('series per day, hour and month', async () => {
    const days = await get(
      `/statistics_basic?type=read&size=day&begin=${dayBefore(1)}&end=${today}`,
    )
    expect(days).toEqual([
      { date: dayBefore(1), count: 20 },
      { date: today, count: 40 },
    ])
    const hours = await get(`/statistics_basic?type=new_user&size=hour&begin=${today}&end=${today}`)
    expect(hours).toHaveLength(24)
    expect(hours[9]).toEqual({ date_time: `${today} 09:00:00`, count: 6 })
    const months = await get('/statistics_basic?type=new_user&size=month')
    expect(months).toHaveLength(12)
    const month = Number(today.slice(5, 7))
    expect(months[month - 1].count).toBeGreaterThanOrEqual(6)
    const reversed = await send(
      t.app,
      'GET',
      `/mis/v1_0/statistics_basic?type=read&size=day&begin=${today}&end=${dayBefore(1)}`,
      admin,
    )
    expect(reversed.statusCode).toBe(403)
    expect(reversed.json()).toEqual({ message: '(begin or end) parameter error.' })
  })

  it('search keywords of the week and totals; no sales; reads without a source breakdown', async () => {
    expect(await get('/statistics_search')).toEqual({
      keywords: [
        { keyword: 'python', user_count: 8, week_percent: 100 },
        { keyword: 'redis', user_count: 2, week_percent: 200 },
      ],
      total_count: 2,
    })
    const totals = await get('/statistics_search_total')
    expect(totals).toMatchObject({ search_user_count: 0, count: 0 })
    expect(totals.user_count).toBeGreaterThan(0)
    expect(await get('/statistics_sales_total')).toEqual({ area_sales: [], total_money: 0 })
    expect(await get('/statistics_read_source_total')).toEqual({
      read_sources: [],
      total_read_count: 70,
    })
  })
})
