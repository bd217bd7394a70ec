// The demo page's client: plain browser JavaScript, using the `Echo` and `Pusher` globals that
// /vendor/echo.iife.js and /vendor/pusher.min.js (served from node_modules) define.

import { $, append, avatar, el, prepend, showConnection, showError, time } from './ui.js'

const TOKEN_KEY = 'herald-demo-token' // sessionStorage: one demo user per tab
const ROOM = 'room.lobby'
const TYPING_THROTTLE_MS = 1000 // Pusher allows 10 client events per second; one per second is plenty
const TYPING_SHOWN_MS = 3000

const state = { token: sessionStorage.getItem(TOKEN_KEY), config: null, user: null, echo: null }

/** Calls the demo app's JSON routes with the bearer token and, for `toOthers`, the socket id. */
async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (state.token) headers.authorization = `Bearer ${state.token}`
  // Echo adds X-Socket-ID to axios/jQuery requests by itself; with fetch we add it ourselves.
  const socketId = state.echo?.socketId()
  if (socketId) headers['x-socket-id'] = socketId
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const data = await response.json().catch(() => ({}))
  if (!response.ok) throw Object.assign(new Error(data.message ?? `${method} ${path}: HTTP ${response.status}`), { status: response.status })
  return data
}

// ---- login --------------------------------------------------------------------------------------

function showLogin() {
  $('connection').textContent = 'Not connected: pick a user'
  $('connection').className = 'badge badge-idle'
  $('app').hidden = true
  $('whoami').hidden = true
  $('login').hidden = false
  const box = $('login-users')
  box.replaceChildren()
  for (const user of state.config.users) {
    const button = el('button', { type: 'button', className: 'secondary', title: `Sign in as the demo user ${user.name}` }, avatar(user), ` ${user.name}`)
    button.dataset.username = user.username
    button.addEventListener('click', async () => {
      const { token } = await api('/demo/login', { method: 'POST', body: { username: user.username } })
      sessionStorage.setItem(TOKEN_KEY, token)
      location.reload()
    })
    box.append(button)
  }
}

$('logout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY)
  location.reload()
})

// ---- the features ---------------------------------------------------------------------------------

function feedItem(post, echo) {
  const likes = el('button', { type: 'button', className: 'secondary like', textContent: `♥ ${post.likes ?? 0}`, title: 'Like: broadcasts PostUpdated' })
  likes.addEventListener('click', () => api(`/demo/feed/${encodeURIComponent(post.id)}/like`, { method: 'POST' }))
  const li = el('li', {}, el('span', { className: 'who', textContent: post.author.name }), post.text, time(post.at), likes)
  li.dataset.id = post.id
  // The post's model channel, as Echo's useEchoModel('App.Models.Post', id) subscribes to it.
  echo.private(`App.Models.Post.${post.id}`)
    .subscribed(() => (li.dataset.watching = 'true'))
    .listen('.PostUpdated', ({ model }) => {
      likes.textContent = `♥ ${model.likes}`
    })
  return li
}

async function startFeed(echo) {
  const list = $('feed-list')
  const { items } = await api('/demo/feed')
  list.replaceChildren(...items.map((post) => feedItem(post, echo)))
  if (items.length === 0) list.append(el('li', { className: 'empty', textContent: 'Nothing posted yet.' }))
  echo.channel('feed').listen('.FeedPosted', (post) => {
    if (!list.querySelector(`[data-id="${CSS.escape(post.id)}"]`)) prepend(list, feedItem(post, echo))
  })
  $('feed-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const input = $('feed-input')
    api('/demo/feed', { method: 'POST', body: { text: input.value } }).then(() => {
      input.value = ''
    }, showError)
  })
}

function startNotifications(echo) {
  const me = state.user
  const status = $('private-status')
  $('private-channel-name').textContent = `private-user.${me.id}`
  echo.private(`user.${me.id}`)
    .subscribed(() => {
      status.textContent = `✓ Subscribed to private-user.${me.id}`
      status.className = 'status ok'
    })
    .error((error) => {
      if (handleExpiredSession(error)) return
      status.textContent = `✗ Could not subscribe: ${describeAuthError(error)}`
      status.className = 'status bad'
    })
    .listen('.UserNotified', (note) => {
      prepend($('notification-list'), el('li', {}, el('span', { className: 'who', textContent: note.from.name }), note.text, time(note.at)))
    })

  const others = state.config.users.filter((u) => u.id !== me.id)
  for (const other of others) {
    const button = el('button', { type: 'button', textContent: `Notify ${other.name}` })
    button.dataset.notify = other.username
    button.addEventListener('click', () => api('/demo/notify', { method: 'POST', body: { to: other.id } }))
    $('notify-buttons').append(button)
  }

  // Asking for someone else's private channel: /broadcasting/auth answers 403 and the
  // subscription fails, exactly as it would for a real attacker.
  const victim = others[0]
  $('spy-button').textContent = `Try to listen on ${victim.name}'s private-user.${victim.id}`
  $('spy-button').addEventListener('click', () => {
    const result = $('spy-result')
    const name = `user.${victim.id}`
    result.textContent = 'Asking the server…'
    result.className = 'status'
    echo.leaveChannel(`private-${name}`) // so the button can be tried again
    echo.private(name)
      .subscribed(() => {
        result.textContent = `Unexpectedly allowed into private-${name}!`
        result.className = 'status bad'
        result.dataset.result = 'allowed'
      })
      .error((error) => {
        result.textContent = `✓ Refused, as it should be: ${describeAuthError(error)}`
        result.className = 'status ok'
        result.dataset.result = 'refused'
      })
  })
}

/** After a server restart the token is unknown (its signing key is per process): sign in again. */
function handleExpiredSession(error) {
  if (error?.status !== 401) return false
  sessionStorage.removeItem(TOKEN_KEY)
  location.reload()
  return true
}

function describeAuthError(error) {
  // pusher-js reports { type: 'AuthError', status, error } when /broadcasting/auth refuses.
  if (error?.status) return `/broadcasting/auth answered HTTP ${error.status}${error.status === 403 ? ' Forbidden' : ''}`
  return String(error?.error ?? error?.type ?? 'unknown error')
}

function renderMembers(members) {
  const list = $('member-list')
  list.replaceChildren(
    ...[...members.values()].map((m) => {
      const li = el('li', {}, avatar(m), el('span', { className: 'member-name', textContent: m.id === state.user.id ? `${m.name} (you)` : m.name }))
      li.dataset.member = m.username
      return li
    }),
  )
  $('member-count').textContent = String(members.size)
}

function chatItem(message, mine) {
  const li = el('li', { className: mine ? 'mine' : '' },
    el('span', { className: 'bubble' }, el('span', { className: 'who', textContent: mine ? 'You' : message.author.name }), message.text), time(message.at))
  li.dataset.origin = mine ? 'local' : 'remote'
  li.dataset.author = message.author.username
  return li
}

function startRoom(echo) {
  const members = new Map()
  const typing = $('typing')
  let typingTimer
  const room = echo.join(ROOM)
    .here((users) => {
      for (const u of users) members.set(u.id, u)
      renderMembers(members)
    })
    .joining((u) => {
      members.set(u.id, u)
      renderMembers(members)
    })
    .leaving((u) => {
      members.delete(u.id)
      renderMembers(members)
    })
    .error((error) => {
      if (handleExpiredSession(error)) return
      typing.textContent = `Could not join the room: ${describeAuthError(error)}`
    })
    .listen('.ChatMessageSent', (message) => append($('chat-list'), chatItem(message, false)))
    .listenForWhisper('typing', ({ name }) => {
      typing.textContent = `${name} is typing…`
      clearTimeout(typingTimer)
      typingTimer = setTimeout(() => { typing.textContent = '' }, TYPING_SHOWN_MS)
    })

  let lastWhisper = 0
  $('chat-input').addEventListener('input', () => {
    if (Date.now() - lastWhisper < TYPING_THROTTLE_MS) return
    lastWhisper = Date.now()
    room.whisper('typing', { name: state.user.name })
  })
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const input = $('chat-input')
    const text = input.value
    input.value = ''
    // Optimistic: shown at once; the server broadcasts it with toOthers(socketId), so no echo comes back.
    append($('chat-list'), chatItem({ author: state.user, text, at: Date.now() }, true))
    api('/demo/chat', { method: 'POST', body: { text } }).catch(showError)
  })
}

// ---- boot -----------------------------------------------------------------------------------------

async function main() {
  state.config = await api('/demo/config')
  if (state.token) {
    try {
      state.user = (await api('/demo/me')).user
    } catch (err) {
      // A token from an earlier server run (the signing key is per process): pick a user again.
      if (err.status !== 401) throw err
      sessionStorage.removeItem(TOKEN_KEY)
      state.token = null
    }
  }
  if (!state.user) return showLogin()

  $('whoami-name').textContent = state.user.name
  $('whoami').hidden = false
  $('app').hidden = false
  const port = Number(location.port) || 80
  state.echo = new Echo.default({
    broadcaster: 'reverb',
    key: state.config.appKey,
    wsHost: location.hostname,
    wsPort: port,
    wssPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    authEndpoint: '/broadcasting/auth',
    bearerToken: state.token,
  })
  showConnection(state.echo.connector.pusher)
  startNotifications(state.echo)
  startRoom(state.echo)
  await startFeed(state.echo)
  document.body.dataset.ready = 'true'
}

window.addEventListener('unhandledrejection', (event) => showError(event.reason))

main().catch(showError)
