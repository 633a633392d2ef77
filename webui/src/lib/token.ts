// The CLI prints the UI address as `http://127.0.0.1:<port>/#token=<token>`; the token is taken from the hash once.

/** Reads `token=` from a hash such as `#token=abc` or `#/peers?token=abc`; returns the token and the hash without it. */
export function takeTokenFromHash(hash: string): { token: string | null; rest: string } {
  const match = /([?&#])token=([^&]*)(&?)/.exec(hash)
  if (!match) return { token: null, rest: hash }
  const whole = match[0]
  const before = match[1] ?? ''
  const after = match[3] ?? ''
  const keep = before === '#' ? '#' : after === '&' ? before : ''
  let rest = hash.slice(0, match.index) + keep + hash.slice(match.index + whole.length)
  if (rest === '' || rest === '#') rest = '#/'
  let token: string
  try {
    token = decodeURIComponent(match[2] ?? '')
  } catch {
    token = match[2] ?? ''
  }
  return { token: token === '' ? null : token, rest }
}
