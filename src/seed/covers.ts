const PALETTE = [
  '#3296fa',
  '#f56c6c',
  '#67c23a',
  '#e6a23c',
  '#909399',
  '#8e6cf0',
  '#2ec7c9',
  '#ff8c42',
]

/** A small SVG cover with the channel's name, in one of a few colours. */
export function coverSvg(label: string, variant: number): Buffer {
  const color = PALETTE[variant % PALETTE.length] ?? '#3296fa'
  const text = label.replace(/[<>&"]/g, '')
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200">` +
      `<rect width="320" height="200" fill="${color}"/>` +
      `<circle cx="${60 + ((variant * 37) % 200)}" cy="${40 + ((variant * 23) % 120)}" r="70" fill="#fff" opacity=".12"/>` +
      `<text x="160" y="112" font-size="30" font-family="sans-serif" fill="#fff" text-anchor="middle">${text}</text>` +
      `</svg>`,
  )
}
