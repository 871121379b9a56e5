import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { typed } from '../../../http/feature.js'
import { Ok, ok } from '../../../http/schemas.js'
import { misPermission } from '../access/guard.js'
import { DateText, ListOf, MisPageQuery, pageOf } from '../mis.schemas.js'
import {
  STATISTICS_TYPES,
  basicTotals,
  localDay,
  perDay,
  perHour,
  perMonth,
  readSourceTotals,
  searchKeywords,
  searchTotals,
} from './statistics.service.js'

const Count = Type.Integer()
const Basic = Type.Union([
  Type.Object({
    day_count: Count,
    week_percent: Type.Number(),
    day_percent: Type.Number(),
    day_average: Type.Number(),
    total_days: Count,
    total_count: Count,
  }),
  Type.Array(Type.Object({ month: Count, count: Count })),
  Type.Array(Type.Object({ date: Type.String(), count: Count })),
  Type.Array(Type.Object({ date_time: Type.String(), count: Count })),
])

/** Dashboard statistics, read from the scheduler's rollup tables (days local to its time zone). */
export async function statisticsRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  const app = typed(instance)
  const tags = ['mis statistics']
  const zone = (deps.config as { jobs?: { timezone?: string } }).jobs?.timezone ?? 'Asia/Shanghai'
  const today = () => localDay(new Date(), zone)

  app.get(
    '/statistics_basic',
    {
      schema: {
        tags,
        summary:
          'Totals of one type, or a series by size (month | day | hour, begin/end YYYY-MM-DD)',
        querystring: Type.Object({
          type: Type.String({ maxLength: 20 }),
          size: Type.Optional(
            Type.Union([Type.Literal('day'), Type.Literal('hour'), Type.Literal('month')]),
          ),
          begin: Type.Optional(DateText),
          end: Type.Optional(DateText),
        }),
        response: { 200: Ok(Basic) },
      },
      onRequest: misPermission(deps, 'statistics-basic-get'),
    },
    async (request) => {
      const { type, size, begin, end } = request.query
      if (!(type in STATISTICS_TYPES)) throw new AppError(400, { type: 'Invalid statistics type.' })
      const measure = STATISTICS_TYPES[type] ?? null
      if (size === 'month') return ok(await perMonth(deps, measure, today()))
      if (size === 'day') return ok(await perDay(deps, measure, begin, end))
      if (size === 'hour') return ok(await perHour(deps, measure, begin, end))
      return ok(await basicTotals(deps, measure, today()))
    },
  )

  app.get(
    '/statistics_search',
    {
      schema: {
        tags,
        summary: 'Search keywords of the last 7 days, most searched first',
        querystring: Type.Object(MisPageQuery),
        response: {
          200: ListOf(
            'keywords',
            Type.Object({ keyword: Type.String(), user_count: Count, week_percent: Type.Number() }),
          ),
        },
      },
      onRequest: misPermission(deps, 'statistics-search-get'),
    },
    async (request) => ok(await searchKeywords(deps, today(), pageOf(request.query))),
  )

  app.get(
    '/statistics_search_total',
    {
      schema: {
        tags,
        summary: 'All searches and registered users',
        response: {
          200: Ok(Type.Object({ search_user_count: Count, count: Count, user_count: Count })),
        },
      },
      onRequest: misPermission(deps, 'statistics-search-total-get'),
    },
    async () => ok(await searchTotals(deps)),
  )

  app.get(
    '/statistics_sales_total',
    {
      schema: {
        tags,
        summary: 'Sales by area: Headline sells nothing, so always empty',
        response: {
          200: Ok(
            Type.Object({
              area_sales: Type.Array(
                Type.Object({ area: Count, area_name: Type.String(), money: Count }),
              ),
              total_money: Count,
            }),
          ),
        },
      },
      onRequest: misPermission(deps, 'statistics-sales-total-get'),
    },
    async () => ok({ area_sales: [], total_money: 0 }),
  )

  app.get(
    '/statistics_read_source_total',
    {
      schema: {
        tags,
        summary: 'All article reads; no breakdown by source (none is recorded)',
        response: {
          200: Ok(
            Type.Object({
              read_sources: Type.Array(
                Type.Object({
                  source: Count,
                  source_name: Type.String(),
                  count: Count,
                  count_20_down: Count,
                  count_20_80: Count,
                  count_80_up: Count,
                }),
              ),
              total_read_count: Count,
            }),
          ),
        },
      },
      onRequest: misPermission(deps, 'statistics-read-source-total-get'),
    },
    async () => ok(await readSourceTotals(deps)),
  )
}
