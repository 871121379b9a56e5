/** What other features use of channels: the visible channel list, cache evictions after admin writes. */
export { forgetChannelLists, forgetUserChannels } from './channels.cache.js'
export { getAllChannels } from './channels.service.js'
