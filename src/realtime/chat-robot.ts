/** A chat message in both directions (`message` event): `timestamp` in unix seconds. */
export interface ChatMessage {
  msg: string
  timestamp: number
}

/** What the robot may look up; each may fail, the robot then answers with the fallback text. */
export interface ChatLookups {
  /** Titles of a few articles recommended to the user (null: an anonymous visitor). */
  recommendedTitles(userId: bigint | null, count: number): Promise<string[]>
  /** Titles of a few approved articles matching the query, best first. */
  matchingTitles(query: string, count: number): Promise<string[]>
}

/** The original's reply when its chatbot service failed or timed out. */
export const FALLBACK_TEXT = 'oops，我病了，容我缓一下...'
export const GREETING_TEXT =
  '您好，我是头条小助手。发“推荐”看为您挑选的文章，发一个话题（比如 Python）找相关文章。'
export const HELP_TEXT =
  '我能帮您找文章：发“推荐”看为您挑选的文章；发一个话题或关键词（比如 Python、面试）看相关文章。'
const THANKS_TEXT = '不客气！还想看什么，发个话题给我就行。'
const NO_RECOMMENDATION_TEXT = '暂时没有可推荐的文章，稍后再来看看吧。'

/** How many titles one answer lists. */
export const TITLES_PER_ANSWER = 3
const MAX_TOPIC_LENGTH = 30

const HELP = /^(帮助|help|menu|菜单|\?|？|怎么用|你能做什么|你会什么)$/i
const HELLO = /^(你好|您好|嗨|哈喽|在吗|在不在|(hi|hello|hey)\b)/i
const THANKS = /^(谢谢|多谢|感谢|thanks|thank you|thx)/i
const RECOMMEND = /推荐|热门|随便看看|有什么好看的/
const EVERY_RECOMMEND = new RegExp(RECOMMEND.source, 'g')
// Filler around a topic, longest first: "帮我找一下关于 Python 的文章" → "Python".
const LEADING = byLength(
  '请 麻烦 帮我 给我 我想 我要 想要 想 搜索 搜一下 搜 查找 查一下 查 找一下 找 看看 看 了解 一下 一些 几篇 几个 关于 有关 有没有 有什么 什么',
)
const TRAILING = byLength('的 相关 文章 新闻 内容 资讯 帖子 吗 呢 吧 啊 呀 好看 有什么 有哪些 一下')

/** Unix seconds, as the original normalises timestamps. */
export const unixSeconds = (nowMs: number = Date.now()) => Math.floor(nowMs / 1000)

/** The first message a new socket receives. */
export function greeting(nowMs: number = Date.now()): ChatMessage {
  return { msg: GREETING_TEXT, timestamp: unixSeconds(nowMs) }
}

/** The robot's answer to one message: recommendations, titles on a topic, or the help text. */
export async function answer(
  text: string,
  userId: bigint | null,
  lookups: ChatLookups,
  nowMs: number = Date.now(),
): Promise<ChatMessage> {
  let msg: string
  try {
    msg = await reply(text, userId, lookups)
  } catch {
    msg = FALLBACK_TEXT
  }
  return { msg, timestamp: unixSeconds(nowMs) }
}

async function reply(text: string, userId: bigint | null, lookups: ChatLookups): Promise<string> {
  const said = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s?？!！。.,，~～]+$/, '')
  if (said === '' || HELP.test(said)) return HELP_TEXT
  if (THANKS.test(said)) return THANKS_TEXT
  const topic = topicOf(said)
  if (topic === '' && RECOMMEND.test(said)) {
    const titles = await lookups.recommendedTitles(userId, TITLES_PER_ANSWER)
    return titles.length > 0 ? listing('为您推荐：', titles) : NO_RECOMMENDATION_TEXT
  }
  if (topic === '') return HELLO.test(said) ? GREETING_TEXT : HELP_TEXT
  const titles = await lookups.matchingTitles(topic, TITLES_PER_ANSWER)
  const shown = topic.length > 20 ? `${topic.slice(0, 20)}…` : topic
  return titles.length > 0
    ? listing(`“${shown}”相关文章：`, titles)
    : `没有找到与“${shown}”相关的文章。发“推荐”看看为您挑选的文章吧。`
}

/** The words a message is about, without greetings and filler; '' when nothing is left. */
export function topicOf(said: string): string {
  let topic = said.replace(HELLO, ' ').replace(EVERY_RECOMMEND, ' ')
  let before: string
  do {
    before = topic
    topic = topic.replace(/^[\s,，、!！。:：]+|[\s,，、!！。:：]+$/g, '')
    const lower = topic.toLowerCase()
    const lead = LEADING.find((word) => lower.startsWith(word))
    if (lead) topic = topic.slice(lead.length)
    const trail = TRAILING.find((word) => topic.endsWith(word))
    if (trail) topic = topic.slice(0, -trail.length)
  } while (topic !== before)
  return topic.slice(0, MAX_TOPIC_LENGTH)
}

function byLength(words: string): string[] {
  return words.split(' ').sort((a, b) => b.length - a.length)
}

const listing = (title: string, titles: string[]) =>
  [title, ...titles.map((t, i) => `${i + 1}. ${t}`)].join('\n')
