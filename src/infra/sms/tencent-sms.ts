import type { Logger } from 'pino'
import { sms } from 'tencentcloud-sdk-nodejs-sms'
import { maskMobile, type SmsSender } from './sms-sender.js'
import type { TencentSmsSettings } from './sms-url.js'

const REQUEST_TIMEOUT_SECONDS = 10

/** Thrown when the provider did not accept the message; names its status, never the code. */
export class SmsNotSent extends Error {}

/**
 * Sends login codes through Tencent Cloud SMS (API 2021-01-11, `SendSms`) with the official SDK.
 * The template gets one parameter, the code. Logs name the masked mobile and the provider's
 * serial number only.
 */
export function tencentSmsSender(settings: TencentSmsSettings, log: Logger): SmsSender {
  const client = new sms.v20210111.Client({
    credential: { secretId: settings.secretId, secretKey: settings.secretKey },
    region: settings.region,
    profile: {
      httpProfile: {
        endpoint: settings.endpoint,
        protocol: settings.protocol,
        reqTimeout: REQUEST_TIMEOUT_SECONDS,
      },
    },
  })
  return {
    async sendLoginCode(mobile, code) {
      const response = await client.SendSms({
        PhoneNumberSet: [`+86${mobile}`],
        SmsSdkAppId: settings.sdkAppId,
        SignName: settings.signName,
        TemplateId: settings.templateId,
        TemplateParamSet: [code],
      })
      const status = response.SendStatusSet?.[0]
      if (status?.Code !== 'Ok') {
        throw new SmsNotSent(`Tencent Cloud SMS did not send: ${status?.Code ?? 'no status'}`)
      }
      log.info(
        { mobile: maskMobile(mobile), serialNo: status.SerialNo, requestId: response.RequestId },
        'SMS login code sent',
      )
    },
  }
}
