import { adminCommand } from '../src/cli/admin.js'
import { TEST_SMS_CODE, type TestApp } from './app.js'

/** The super administrator every browser test signs in as. */
export const SUPER = { account: 'chief01', password: 'chief2024pass' }

/** Creates the super administrator through the `admin create` command. */
export async function createSuperAdmin(t: TestApp): Promise<void> {
  const code = await adminCommand(
    ['create', '--account', SUPER.account, '--password', SUPER.password, '--name', '总编辑'],
    t.deps,
  )
  if (code !== 0) throw new Error(`admin create exited with ${code}`)
}

/** Calls the admin API as `account` through the public route; answers status and parsed body. */
export async function misCall(
  t: TestApp,
  token: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
) {
  const reply = await t.app.inject({
    method,
    url: `/mis/v1_0${url}`,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  })
  return {
    status: reply.statusCode,
    body: reply.body ? (reply.json() as any) : null,
  }
}

/** Logs in to the admin API and answers the access token. */
export async function misToken(t: TestApp, account = SUPER.account, password = SUPER.password) {
  const reply = await t.app.inject({
    method: 'POST',
    url: '/mis/v1_0/authorizations',
    payload: { account, password },
  })
  if (reply.statusCode !== 201) throw new Error(`mis login: ${reply.statusCode} ${reply.body}`)
  return (reply.json() as any).data.token as string
}

/** Logs the demo author in to the media platform and submits articles for review. */
export async function submitThroughMp(t: TestApp, articles: { title: string; content: string }[]) {
  const login = await t.app.inject({
    method: 'POST',
    url: '/mp/v1_0/authorizations',
    payload: { mobile: '13911111111', code: TEST_SMS_CODE },
  })
  if (login.statusCode !== 201) throw new Error(`mp login: ${login.statusCode} ${login.body}`)
  const auth = {
    authorization: `Bearer ${(login.json() as any).data.token as string}`,
  }
  const channels = await t.app.inject({
    url: '/mp/v1_0/channels',
    headers: auth,
  })
  const channelId = Number((channels.json() as any).data.channels[0].id)
  const ids: string[] = []
  for (const article of articles) {
    const reply = await t.app.inject({
      method: 'POST',
      url: '/mp/v1_0/articles',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: {
        ...article,
        cover: { type: 0, images: [] },
        channel_id: channelId,
      },
    })
    if (reply.statusCode !== 201) throw new Error(`mp submit: ${reply.statusCode} ${reply.body}`)
    ids.push(/"id":"?(\d+)/.exec(reply.body)![1]!)
  }
  return { channelId, ids }
}
