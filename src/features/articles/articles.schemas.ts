import { Type } from '@sinclair/typebox'
import { Id } from '../../http/schemas.js'

export const CoverSchema = Type.Object({ type: Type.Integer(), images: Type.Array(Type.String()) })

/** The `article_info` list item of every article list. */
export const ArticleCardSchema = Type.Object({
  art_id: Id,
  title: Type.String(),
  aut_id: Id,
  aut_name: Type.String(),
  aut_photo: Type.String(),
  pubdate: Type.String(),
  ch_id: Type.Integer(),
  cover: CoverSchema,
  is_top: Type.Integer(),
  comm_count: Type.Integer(),
  like_count: Type.Integer(),
  collect_count: Type.Integer(),
})

export const TraceSchema = Type.Object({
  click: Type.String(),
  collect: Type.String(),
  share: Type.String(),
  read: Type.String(),
})

/** A feed item: an article card with the trace strings the client sends back. */
export const FeedItemSchema = Type.Composite([
  ArticleCardSchema,
  Type.Object({ trace: TraceSchema }),
])

/** `GET /v1_1/articles` data: the next cursor and the page's items. */
export const FeedPageSchema = Type.Object({
  pre_timestamp: Type.Integer(),
  results: Type.Array(FeedItemSchema),
})
