import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { ConfigError, loadConfig } from '../config.js'
import { createDeps, type Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { migrateToLatest } from '../infra/db/migrate.js'
import { ensureSuperAdministrator } from '../features/mis/system/bootstrap.js'

const USAGE = `usage: headline admin create --account <account> --password <password> [--name <name>]
  creates a super administrator (every permission); does nothing if the account exists.
  account: a letter then 3-15 letters, digits or _; password: 8+ letters and digits, both kinds`

/** Runs `admin create …` and returns the exit code; the password is never printed or logged. */
export async function adminCommand(argv: string[], deps?: Deps): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        account: { type: 'string' },
        password: { type: 'string' },
        name: { type: 'string' },
      },
    })
  } catch {
    console.error(USAGE)
    return 2
  }
  const { account, password, name } = parsed.values
  if (parsed.positionals[0] !== 'create' || !account || !password) {
    console.error(USAGE)
    return 2
  }
  const own = deps === undefined
  try {
    deps ??= await createDeps(loadConfig(), { log: pino({ level: 'warn' }) })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    return 1
  }
  try {
    await migrateToLatest(deps.db.write)
    const result = await ensureSuperAdministrator(deps, {
      account,
      password,
      name: name ?? account,
    })
    console.log(result.id.toString())
    if (!result.created) console.error(`administrator ${account} already exists; nothing changed`)
    return 0
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    console.error(typeof error.body === 'string' ? error.body : Object.values(error.body).join(' '))
    return 2
  } finally {
    if (own) await deps.close()
  }
}
