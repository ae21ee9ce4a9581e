// DOM builders for the dashboard. Every value from the server is untrusted (agents write it):
// it only ever becomes text (textContent, text nodes, attribute values), never markup.

/** An element with properties, attributes and children (strings become text nodes). */
export function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = String(options.text);
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  for (const [type, listener] of Object.entries(options.on ?? {})) node.addEventListener(type, listener);
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

const emptyRow = (columns, text) => el('tr', {}, el('td', { className: 'empty', text, attrs: { colspan: columns } }));

const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour12: false });

/** "4:05" from milliseconds; a lease countdown. */
export function countdown(ms) {
  if (ms <= 0) return 'expired';
  const total = Math.ceil(ms / 1000);
  const days = Math.floor(total / 86_400);
  if (days >= 2) return `${days}d ${Math.floor((total % 86_400) / 3600)}h left`;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}h ${String(minutes).padStart(2, '0')}m left` : `${minutes}:${seconds} left`;
}

/** A span the page's one-second ticker counts down to `until` (server time). */
const timer = (until) => el('span', { className: 'countdown', attrs: { 'data-until': until } });

export function renderAgents(tbody, snapshot) {
  const holding = new Map();
  for (const item of snapshot.work.items) {
    if (item.status !== 'claimed' || !item.holder) continue;
    holding.set(item.holder, [...(holding.get(item.holder) ?? []), item.taskId]);
  }
  const rows = snapshot.agents.map((agent) =>
    el(
      'tr',
      { className: agent.status === 'offline' ? 'offline' : '' },
      el('th', { attrs: { scope: 'row' } }, agent.handle, agent.guid === snapshot.me.guid ? ' (you)' : undefined),
      el('td', { text: agent.agentType }),
      el('td', {}, el('span', { className: `pill ${agent.status}`, text: agent.status })),
      el('td', { text: agent.capabilities.join(', ') || '—' }),
      el('td', { text: (holding.get(agent.guid) ?? []).join(', ') || '—' }),
    ),
  );
  tbody.replaceChildren(...(rows.length ? rows : [emptyRow(5, 'No agents registered yet')]));
}

/** Keeps the recipient the operator chose while the list of agents changes; else the first online one. */
export function renderRecipients(select, snapshot) {
  const chosen = select.dataset.chosen;
  const rank = (a) => (a.status === 'offline' ? 1 : 0);
  const options = snapshot.agents
    .filter((a) => a.guid !== snapshot.me.guid)
    .sort((a, b) => rank(a) - rank(b) || a.handle.localeCompare(b.handle))
    .map((a) => el('option', { text: `${a.handle} (${a.status})`, attrs: { value: a.guid } }));
  select.replaceChildren(...options);
  if (chosen && options.some((o) => o.value === chosen)) select.value = chosen;
}

export function renderTabs(tablist, channels, selected, onSelect) {
  const focused = document.activeElement?.closest?.('[role="tab"]')?.dataset.channel;
  const tabs = channels.map((c) =>
    el(
      'button',
      {
        className: 'tab',
        attrs: {
          type: 'button',
          role: 'tab',
          id: `tab-${c.name}`,
          'aria-selected': c.name === selected ? 'true' : 'false',
          'aria-controls': 'channel-panel',
          tabindex: c.name === selected ? '0' : '-1',
          'data-channel': c.name,
        },
        on: { click: () => onSelect(c.name) },
      },
      `#${c.name}`,
      c.unread ? el('span', { className: 'badge', text: ` ${c.unread} unread` }) : undefined,
    ),
  );
  tablist.replaceChildren(...tabs);
  if (focused) tablist.querySelector(`[data-channel="${CSS.escape(focused)}"]`)?.focus();
}

/** One message: who, when, and the body as text. */
const messageItem = (m, ...extra) =>
  el(
    'li',
    { className: 'message' },
    el(
      'div',
      { className: 'meta' },
      el('span', { className: 'from', text: m.senderHandle }),
      ' ',
      el('time', { text: clock(m.timestamp), attrs: { datetime: m.timestamp } }),
    ),
    el('p', { className: 'body', text: m.body }),
    ...extra,
  );

/** Direct messages the operator has read on this page, newest last. */
export function renderInbox(list, messages) {
  list.replaceChildren(...messages.map((m) => messageItem(m)));
  list.scrollTop = list.scrollHeight;
}

export function renderMessages(list, channel) {
  const items = channel.messages.map((m) =>
    messageItem(
      m,
      m.clipped ? el('p', { className: 'clipped', text: `Cut here; warp read ${m.channel} shows it all.` }) : undefined,
    ),
  );
  list.replaceChildren(...(items.length ? items : [el('li', { className: 'empty', text: 'No messages yet' })]));
  list.setAttribute('aria-label', `Messages in #${channel.name}`);
  list.scrollTop = list.scrollHeight;
}

export function renderDepth(tbody, depth) {
  const rows = Object.entries(depth)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([capability, d]) =>
      el(
        'tr',
        {},
        el('th', { text: capability, attrs: { scope: 'row' } }),
        el('td', { text: d.offered }),
        el('td', { text: d.claimed }),
        el('td', { text: d.deadLettered }),
        el('td', { text: d.completed }),
      ),
    );
  tbody.replaceChildren(...(rows.length ? rows : [emptyRow(5, 'No work offered yet')]));
}

export function renderWork(tbody, items, handleOf) {
  const rows = items.map((w) =>
    el(
      'tr',
      {},
      el('th', { attrs: { scope: 'row' } }, w.taskId, el('span', { className: 'detail', text: w.description })),
      el('td', { text: w.capability }),
      el('td', { text: w.priority }),
      el('td', {}, el('span', { className: `pill ${w.status}`, text: w.status })),
      el('td', { text: w.holder ? handleOf(w.holder) : '—' }),
      el('td', {}, w.leaseExpiresAt ? timer(w.leaseExpiresAt) : '—'),
      el(
        'td',
        {},
        w.progress === undefined
          ? '—'
          : el('progress', {
              text: `${w.progress}%`,
              attrs: { max: 100, value: w.progress, 'aria-label': `Progress of ${w.taskId}` },
            }),
        w.progress === undefined ? undefined : el('span', { className: 'percent', text: `${w.progress}%` }),
      ),
      el('td', { text: `${w.attempts}/${w.maxAttempts}` }),
    ),
  );
  tbody.replaceChildren(...(rows.length ? rows : [emptyRow(8, 'No open work')]));
}

export function renderDeadLetters(tbody, items, actions) {
  const rows = items.map((w) =>
    el(
      'tr',
      {},
      el('th', { attrs: { scope: 'row' } }, w.taskId, el('span', { className: 'detail', text: w.description })),
      el('td', { text: w.capability }),
      el('td', { text: w.deadLetterReason ?? '—' }),
      el(
        'td',
        {},
        `${w.attempts}/${w.maxAttempts}`,
        el('ol', { className: 'attempts' }, ...w.attemptReasons.map((reason) => el('li', { text: reason }))),
      ),
      el('td', {}, w.deadLetterExpiresAt ? timer(w.deadLetterExpiresAt) : '—'),
      el(
        'td',
        { className: 'actions' },
        el('button', {
          text: 'Retry',
          attrs: { type: 'button', 'aria-label': `Retry ${w.taskId}` },
          on: { click: () => actions.retry(w) },
        }),
        el('button', {
          text: 'Discard',
          className: 'danger',
          attrs: { type: 'button', 'aria-label': `Discard ${w.taskId}` },
          on: { click: () => actions.discard(w) },
        }),
      ),
    ),
  );
  tbody.replaceChildren(...(rows.length ? rows : [emptyRow(6, 'The dead-letter queue is empty')]));
}

export function renderReservations(tbody, reservations) {
  const rows = reservations.map((r) =>
    el(
      'tr',
      {},
      el('th', { attrs: { scope: 'row' } }, el('code', { text: r.pattern })),
      el('td', { text: `@${r.holder.handle}` }),
      el('td', { text: r.exclusive ? 'exclusive' : 'shared' }),
      el('td', { text: r.reason ?? '—' }),
      el('td', {}, timer(r.expiresAt)),
    ),
  );
  tbody.replaceChildren(...(rows.length ? rows : [emptyRow(5, 'No paths reserved')]));
}

/** Rewrites every countdown on the page against the server's clock. */
export function tickCountdowns(root, serverNow) {
  for (const node of root.querySelectorAll('[data-until]')) {
    node.textContent = countdown(Date.parse(node.dataset.until) - serverNow);
  }
}
