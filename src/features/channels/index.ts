/** What other features may use of channels: cache evictions after admin writes. */
export { forgetChannelLists, forgetUserChannels } from './channels.cache.js'
