// The dashboard page: one server-sent event stream of snapshots, rendered section by section
// (a section is redrawn only when its data changed), and the operator's actions as JSON POSTs.
import {
  renderAgents,
  renderDeadLetters,
  renderDepth,
  renderInbox,
  renderMessages,
  renderRecipients,
  renderReservations,
  renderTabs,
  renderWork,
  tickCountdowns,
} from './render.js';

const $ = (id) => document.getElementById(id);

let snapshot;
let selected;
let clockOffset = 0; // server time minus this browser's time
const drawn = new Map(); // section → the data it was last drawn from
let markingRead = false;
const inbox = []; // direct messages read on this page (reading takes them out of the inbox)

const serverNow = () => Date.now() + clockOffset;

/** Draws a section when its data differs from what it shows. */
function section(name, data, draw) {
  const key = JSON.stringify(data);
  if (drawn.get(name) === key) return;
  drawn.set(name, key);
  draw();
}

function handleOf(guid) {
  return snapshot?.agents.find((a) => a.guid === guid)?.handle ?? guid;
}

function render() {
  const s = snapshot;
  $('project').textContent =
    `project ${s.me.namespace} · ${s.me.backend} ${s.me.connection} · you are ${s.me.handle ?? '—'}`;
  if (!s.channels.some((c) => c.name === selected)) selected = s.channels[0]?.name;
  const channel = s.channels.find((c) => c.name === selected);

  section('agents', [s.agents, s.work.items, s.me.guid], () => {
    renderAgents($('agents'), s);
    renderRecipients($('dm-form').elements.recipient, s);
  });
  section('tabs', [s.channels.map((c) => [c.name, c.unread]), selected], () =>
    renderTabs($('channel-tabs'), s.channels, selected, select),
  );
  section('messages', [selected, channel?.lastMessageId, channel?.messages.length], () => {
    if (!channel) return;
    $('channel-panel').setAttribute('aria-labelledby', `tab-${channel.name}`);
    $('channel-description').textContent = channel.description;
    $('post-label').textContent = `Message to #${channel.name}`;
    renderMessages($('messages'), channel);
  });
  section('depth', s.work.depth, () => renderDepth($('depth'), s.work.depth));
  section('work', [s.work.items, s.agents.map((a) => a.handle)], () => renderWork($('work'), s.work.items, handleOf));
  section('reservations', s.reservations, () => renderReservations($('reservations'), s.reservations));
  section('dead', s.deadLetters.items, () =>
    renderDeadLetters($('dead-letters'), s.deadLetters.items, deadLetterActions),
  );
  section('inbox', s.inbox.unread, () => {
    const unread = s.inbox.unread;
    $('inbox-status').textContent = unread
      ? `${unread} unread direct message${unread === 1 ? '' : 's'}`
      : 'No unread direct messages';
    $('read-inbox').disabled = unread === 0;
  });
  tickCountdowns(document, serverNow());
  markSelectedRead();
}

function select(name) {
  selected = name;
  render();
  $(`tab-${name}`)?.focus();
}

/** What the operator has on screen counts as read. */
function markSelectedRead() {
  const channel = snapshot?.channels.find((c) => c.name === selected);
  if (!channel?.unread || markingRead || document.visibilityState !== 'visible') return;
  markingRead = true;
  act(`/api/channels/${encodeURIComponent(channel.name)}/read`, {}).finally(() => (markingRead = false));
}

/** POSTs an action; a refusal is shown in the alert region with the server's reason. */
async function act(path, body) {
  const alert = $('action-error');
  try {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(answer.error ?? `the server answered ${res.status}`);
    alert.hidden = true;
    alert.textContent = '';
    return answer;
  } catch (error) {
    alert.textContent = error instanceof Error ? error.message : String(error);
    alert.hidden = false;
    return undefined;
  }
}

const deadLetterActions = {
  retry: (item) => act(`/api/dead-letters/${encodeURIComponent(item.workItemId)}/retry`, {}),
  discard: (item) => {
    const dialog = $('confirm-discard');
    $('confirm-text').textContent =
      `"${item.taskId}" (${item.capability}) will be removed for good; no agent will get it again.`;
    dialog.onclose = () => {
      if (dialog.returnValue === 'discard')
        void act(`/api/dead-letters/${encodeURIComponent(item.workItemId)}/discard`, {});
    };
    dialog.returnValue = '';
    dialog.showModal();
  },
};

function wireForms() {
  for (const button of $('confirm-discard').querySelectorAll('button')) {
    button.addEventListener('click', () => $('confirm-discard').close(button.value));
  }
  $('post-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (!selected) return;
    const sent = await act(`/api/channels/${encodeURIComponent(selected)}/messages`, {
      message: form.elements.message.value,
    });
    if (sent) form.reset();
  });
  $('read-inbox').addEventListener('click', async () => {
    const answer = await act('/api/inbox/read', {});
    if (!answer) return;
    inbox.push(...answer.messages);
    renderInbox($('inbox'), inbox);
  });
  const recipients = $('dm-form').elements.recipient;
  recipients.addEventListener('change', () => (recipients.dataset.chosen = recipients.value));
  $('dm-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const recipient = form.elements.recipient.value;
    if (!recipient) return;
    const sent = await act(`/api/agents/${encodeURIComponent(recipient)}/messages`, {
      message: form.elements.message.value,
    });
    if (sent) form.elements.message.value = '';
  });
  // Arrow keys move between channel tabs, as the WAI-ARIA tabs pattern expects.
  $('channel-tabs').addEventListener('keydown', (event) => {
    if (!snapshot || !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    const names = snapshot.channels.map((c) => c.name);
    const at = names.indexOf(selected);
    const next =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? names.length - 1
          : (at + (event.key === 'ArrowRight' ? 1 : -1) + names.length) % names.length;
    event.preventDefault();
    select(names[next]);
  });
  document.addEventListener('visibilitychange', markSelectedRead);
}

function connect() {
  const live = $('live');
  const problem = $('problem');
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => (live.textContent = 'Live'));
  events.addEventListener('error', () => (live.textContent = 'Reconnecting…'));
  events.addEventListener('problem', (event) => {
    problem.textContent = `Backend problem: ${JSON.parse(event.data).message}`;
    problem.hidden = false;
  });
  events.addEventListener('snapshot', (event) => {
    snapshot = JSON.parse(event.data);
    clockOffset = Date.parse(snapshot.now) - Date.now();
    problem.hidden = true;
    live.textContent = 'Live';
    render();
  });
}

wireForms();
connect();
setInterval(() => tickCountdowns(document, serverNow()), 1000);
