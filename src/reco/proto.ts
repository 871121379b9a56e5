import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js'
import { loadSync, type Options } from '@grpc/proto-loader'

/**
 * Where `user_reco.proto` is: beside this module when run from `src/` (tsx, vitest), and back in
 * `src/reco/` when run from the compiled `dist/reco/` (tsc does not copy non-TS files).
 */
export const PROTO_PATH = [
  new URL('./user_reco.proto', import.meta.url),
  new URL('../../src/reco/user_reco.proto', import.meta.url),
]
  .map((url) => fileURLToPath(url))
  .find((file) => fs.existsSync(file)) as string

/** int64 fields travel as decimal strings, so 64-bit ids never pass through a JS number. */
export const LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
}

/** `User`: a feed request. `time_stamp` is an int64 (a decimal string when received). */
export interface UserMessage {
  user_id: string
  channel_id: number
  article_num: number
  time_stamp: string | number
}

/** `Article`: a similar-articles request. */
export interface ArticleMessage {
  article_id: string | number
  article_num: number
}

/** `param2`: the four trace strings of one item. */
export interface Param2Message {
  click: string
  collect: string
  share: string
  read: string
}

/** `param1`: one recommended article. */
export interface Param1Message {
  article_id: string | number
  params: Param2Message | null
}

/** `Track`: a feed page. */
export interface TrackMessage {
  exposure: string
  recommends: Param1Message[]
  time_stamp: string | number
}

/** `Similar`: ids of similar articles, best first. */
export interface SimilarMessage {
  article_id: (string | number)[]
}

/** The `UserRecommend` service: client constructor and server definition. */
export function loadUserRecommend(): ServiceClientConstructor {
  const definition = loadSync(PROTO_PATH, LOADER_OPTIONS)
  return loadPackageDefinition(definition)['UserRecommend'] as ServiceClientConstructor
}
