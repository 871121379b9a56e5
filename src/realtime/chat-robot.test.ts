import { describe, expect, it } from 'vitest'
import {
  answer,
  FALLBACK_TEXT,
  GREETING_TEXT,
  greeting,
  HELP_TEXT,
  topicOf,
  type ChatLookups,
} from './chat-robot.js'

const NOW = 1_700_000_000_123
const TITLES = ['Python 异步编程入门', 'Python 面试题汇总', 'Vue 3 组合式 API', 'Go 并发模式']

/** Fixed data: recommendations are the first titles, a topic matches titles containing it. */
function lookups(calls: string[] = []): ChatLookups {
  return {
    async recommendedTitles(userId, count) {
      calls.push(`recommend ${userId ?? 'anonymous'} ${count}`)
      return TITLES.slice(0, count)
    },
    async matchingTitles(query, count) {
      calls.push(`match ${query} ${count}`)
      return TITLES.filter((t) => t.toLowerCase().includes(query.toLowerCase())).slice(0, count)
    },
  }
}

const failing: ChatLookups = {
  recommendedTitles: () => Promise.reject(new Error('recommender down')),
  matchingTitles: () => Promise.reject(new Error('database down')),
}

describe('chat robot', () => {
  it('greets with a timestamp in seconds', () => {
    expect(greeting(NOW)).toEqual({ msg: GREETING_TEXT, timestamp: 1_700_000_000 })
  })

  it('answers 推荐 with a few recommended titles for the user', async () => {
    const calls: string[] = []
    const reply = await answer('推荐', 7n, lookups(calls), NOW)
    expect(reply).toEqual({
      msg: '为您推荐：\n1. Python 异步编程入门\n2. Python 面试题汇总\n3. Vue 3 组合式 API',
      timestamp: 1_700_000_000,
    })
    expect(calls).toEqual(['recommend 7 3'])
    for (const text of ['给我推荐几篇文章吧', '有什么推荐？', '你好，推荐一下', '热门']) {
      expect((await answer(text, null, lookups(), NOW)).msg).toMatch(/^为您推荐：/)
    }
  })

  it('answers a topic with matching titles', async () => {
    const calls: string[] = []
    expect((await answer('python', null, lookups(calls), NOW)).msg).toBe(
      '“python”相关文章：\n1. Python 异步编程入门\n2. Python 面试题汇总',
    )
    expect((await answer('帮我找一下关于 Vue 的文章', null, lookups(calls), NOW)).msg).toBe(
      '“Vue”相关文章：\n1. Vue 3 组合式 API',
    )
    expect((await answer('推荐 Go 文章', null, lookups(calls), NOW)).msg).toBe(
      '“Go”相关文章：\n1. Go 并发模式',
    )
    expect(calls).toEqual(['match python 3', 'match Vue 3', 'match Go 3'])
  })

  it('says so when nothing matches, pointing to 推荐', async () => {
    expect((await answer('量子计算', null, lookups(), NOW)).msg).toBe(
      '没有找到与“量子计算”相关的文章。发“推荐”看看为您挑选的文章吧。',
    )
  })

  it('answers help, greetings and thanks without lookups', async () => {
    const calls: string[] = []
    for (const text of ['', '   ', '帮助', 'help', '?', '找一下']) {
      expect((await answer(text, null, lookups(calls), NOW)).msg).toBe(HELP_TEXT)
    }
    expect((await answer('你好！', null, lookups(calls), NOW)).msg).toBe(GREETING_TEXT)
    expect((await answer('谢谢', null, lookups(calls), NOW)).msg).toMatch(/^不客气/)
    expect(calls).toEqual([])
  })

  it("answers with the original's fallback text when a lookup fails", async () => {
    expect(await answer('推荐', null, failing, NOW)).toEqual({
      msg: FALLBACK_TEXT,
      timestamp: 1_700_000_000,
    })
    expect((await answer('python', null, failing, NOW)).msg).toBe(FALLBACK_TEXT)
  })

  it('keeps only the topic of a message, shortened', () => {
    expect(topicOf('我想看看关于机器学习的文章吗')).toBe('机器学习')
    expect(topicOf('hello python')).toBe('python')
    expect(topicOf('history of python')).toBe('history of python')
    expect(topicOf('Hi, Rust')).toBe('Rust')
    expect(topicOf('搜索 Kubernetes 相关内容')).toBe('Kubernetes')
    expect(topicOf('x'.repeat(100))).toHaveLength(30)
  })
})
