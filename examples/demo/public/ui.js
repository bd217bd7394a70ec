// Small DOM helpers and the connection badge of the demo page.

export const $ = (id) => document.getElementById(id)

export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props)
  for (const child of children) node.append(child)
  return node
}

export function time(at) {
  return el('span', { className: 'time', textContent: new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) })
}

export function avatar(user) {
  const span = el('span', { className: 'avatar', textContent: user.name.slice(0, 1) })
  span.style.background = user.color ?? '#64748b'
  return span
}

export function prepend(list, item) {
  list.querySelector('.empty')?.remove()
  item.classList.add('fresh')
  list.prepend(item)
}

export function append(list, item) {
  list.querySelector('.empty')?.remove()
  item.classList.add('fresh')
  list.append(item)
  list.scrollTop = list.scrollHeight
}

// ---- connection state -------------------------------------------------------------------------

export function showConnection(pusher) {
  const badge = $('connection')
  let wasConnected = false
  const render = (current) => {
    const [label, tone] = {
      initialized: ['Connecting…', 'wait'],
      connecting: [wasConnected ? 'Reconnecting…' : 'Connecting…', 'wait'],
      connected: ['Connected', 'ok'],
      unavailable: ['Server unreachable, retrying…', 'bad'],
      failed: ['WebSockets not supported', 'bad'],
      disconnected: ['Disconnected', 'bad'],
    }[current] ?? [current, 'wait']
    if (current === 'connected') wasConnected = true
    badge.textContent = label
    badge.className = `badge badge-${tone}`
    badge.dataset.state = current
    badge.title = current === 'connected' ? `socket id ${pusher.connection.socket_id}` : ''
  }
  pusher.connection.bind('state_change', ({ current }) => render(current))
  render(pusher.connection.state)
}

let errorTimer

/** Shows a failed request (server stopped, bad input) for a few seconds instead of failing silently. */
export function showError(err) {
  console.error(err)
  const bar = $('error-bar')
  bar.textContent = `Something went wrong: ${err?.message ?? err}`
  bar.hidden = false
  clearTimeout(errorTimer)
  errorTimer = setTimeout(() => { bar.hidden = true }, 6000)
}
