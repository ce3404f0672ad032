// The operator console: a client of the same API as any other, with the API key typed into the page and kept in
// sessionStorage only. Everything the API returns is put on the page as text (textContent, text nodes), never parsed as
// markup, and the page's Content-Security-Policy allows no inline script at all.
(() => {
  'use strict';

  const KEY = 'delayed-http-tasks.api-key';
  const STATUSES = ['pending', 'scheduled', 'running', 'retrying', 'succeeded', 'failed', 'cancelled'];
  const REFRESH_MS = 10000;
  let refreshTimer = null;

  const $ = (id) => document.getElementById(id);

  /** An element with attributes (text: its text; on*: a listener) and children (strings become text nodes). */
  function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === 'text') {
        element.textContent = value ?? '';
      } else if (name.startsWith('on')) {
        element.addEventListener(name.slice(2), value);
      } else if (value === true) {
        element.setAttribute(name, '');
      } else if (value !== false && value !== null && value !== undefined) {
        element.setAttribute(name, String(value));
      }
    }

    for (const child of children) {
      if (child !== null && child !== undefined) {
        element.append(child);
      }
    }

    return element;
  }

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + sessionStorage.getItem(KEY) };
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }

    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      return { status: 0, ok: false, json: null, text: 'The API could not be reached: ' + error.message };
    }

    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }

    return { status: response.status, ok: response.ok, json, text };
  }

  /** A refusal as one line: the status, then the problem's title and detail (or API Gateway's message). */
  function problemText(answer) {
    if (answer.status === 0) {
      return answer.text;
    }

    const json = answer.json || {};
    const detail = json.detail || json.message || answer.text || '';
    return `${answer.status} ${json.title || ''}${detail ? ': ' + detail : ''}`.trim();
  }

  /** The API's answer to an action, as text: its status and its body. */
  function answerText(answer) {
    const body = answer.json !== null ? JSON.stringify(answer.json, null, 2) : answer.text;
    return `${answer.status}${body ? '\n' + body : ''}`;
  }

  const statusBadge = (status) => el('span', { class: `status status-${status}`, text: status });
  const taskLink = (id) => el('a', { href: `#/tasks/${id}`, class: 'task-link', text: id });
  const cell = (content, className) => el('td', { class: className }, content);

  function table(id, headings, rows) {
    return el('table', { id },
      el('thead', {}, el('tr', {}, ...headings.map((h) => el('th', { text: h })))),
      el('tbody', {}, ...rows));
  }

  /** A page that could not be read: its heading, then the refusal. */
  function showRefusal(heading, answer) {
    $('view').replaceChildren(heading, el('p', { class: 'error', role: 'alert', text: problemText(answer) }));
  }

  /** Where an action's answer shows (hidden until there is one). */
  function answerBox(lastAnswer) {
    const box = el('pre', { id: 'action-answer', role: 'status', text: lastAnswer || '' });
    box.hidden = !lastAnswer;
    return box;
  }

  function stopRefresh() {
    if (refreshTimer !== null) {
      clearInterval(refreshTimer);
      refreshTimer = null;
    }
  }

  // ---- sign-in -----------------------------------------------------------------------------------------------

  function showSignIn(message) {
    stopRefresh();
    $('nav').hidden = true;
    $('view').hidden = true;
    $('view').replaceChildren();
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = message || '';
    $('api-key').value = '';
    $('api-key').focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const key = $('api-key').value.trim();
    if (!key) {
      return;
    }

    sessionStorage.setItem(KEY, key);
    const check = await api('GET', '/api/v1/tasks?limit=1');
    if (check.status === 401 || check.status === 403) {
      sessionStorage.removeItem(KEY);
      showSignIn(`The key was refused (${check.status}).`);
      return;
    }

    $('api-key').value = '';
    if (location.hash !== '#/tasks') {
      location.hash = '#/tasks';
    } else {
      route();
    }
  }

  function signOut() {
    sessionStorage.removeItem(KEY);
    history.replaceState(null, '', location.pathname);
    showSignIn('');
  }

  // ---- tasks -------------------------------------------------------------------------------------------------

  const taskList = { status: '', caller: '', cursors: [null] };

  function taskRow(task) {
    const last = task.last_status_code ?? task.last_error ?? '';
    return el('tr', { 'data-task-id': task.task_id },
      cell(taskLink(task.task_id), 'id'),
      cell(statusBadge(task.status)),
      cell(task.run_at, 'mono'),
      cell(`${task.attempts}/${task.max_attempts}`),
      cell(task.caller),
      cell(`${task.method} ${task.url}`, 'url'),
      cell(String(last)));
  }

  const TASK_HEADINGS = ['Task', 'Status', 'Run at', 'Attempts', 'Caller', 'Target', 'Last result'];

  function tasksPage() {
    const view = $('view');
    const status = el('select', { id: 'status-filter', 'aria-label': 'Status' },
      el('option', { value: '', text: 'every status' }), ...STATUSES.map((s) => el('option', { value: s, text: s })));
    status.value = taskList.status;
    const caller = el('input', { id: 'caller-filter', type: 'text', placeholder: 'caller (admins)', 'aria-label': 'Caller' });
    caller.value = taskList.caller;
    const filters = el('form', {
      id: 'task-filters',
      onsubmit: (event) => {
        event.preventDefault();
        taskList.status = status.value;
        taskList.caller = caller.value.trim();
        taskList.cursors = [null];
        load();
      },
    }, status, caller, el('button', { type: 'submit', text: 'Filter' }));
    const auto = el('input', { type: 'checkbox', id: 'auto-refresh', checked: true });
    const counts = el('div', { id: 'counts', class: 'counts' });
    const error = el('p', { id: 'list-error', class: 'error', role: 'alert' });
    const holder = el('div', {});
    const previous = el('button', { type: 'button', id: 'previous-page', text: '← Newer' });
    const next = el('button', { type: 'button', id: 'next-page', text: 'Older →' });
    const page = el('span', { class: 'hint' });
    previous.addEventListener('click', () => { taskList.cursors.pop(); load(); });
    view.replaceChildren(
      el('h2', { text: 'Tasks' }), filters,
      el('label', {}, auto, ' auto-refresh every 10 s'),
      counts, error, holder, el('div', { class: 'pager' }, previous, next, page));

    async function load() {
      const query = new URLSearchParams({ limit: '20' });
      if (taskList.status) query.set('status', taskList.status);
      if (taskList.caller) query.set('caller', taskList.caller);
      const cursor = taskList.cursors[taskList.cursors.length - 1];
      if (cursor) query.set('cursor', cursor);
      const answer = await api('GET', '/api/v1/tasks?' + query);
      if (!answer.ok) {
        error.textContent = problemText(answer);
        holder.replaceChildren();
        return;
      }

      error.textContent = '';
      holder.replaceChildren(table('tasks', TASK_HEADINGS, answer.json.tasks.map(taskRow)));
      if (answer.json.tasks.length === 0) {
        holder.append(el('p', { class: 'hint', text: 'No tasks.' }));
      }

      next.disabled = !answer.json.next_cursor;
      next.onclick = () => { taskList.cursors.push(answer.json.next_cursor); load(); };
      previous.disabled = taskList.cursors.length <= 1;
      page.textContent = `page ${taskList.cursors.length}`;
      loadCounts();
    }

    // Counts by status among the newest 100 tasks (the API lists, it does not count: a count over every task would
    // read the whole table).
    async function loadCounts() {
      const query = new URLSearchParams({ limit: '100' });
      if (taskList.caller) query.set('caller', taskList.caller);
      const answer = await api('GET', '/api/v1/tasks?' + query);
      if (!answer.ok) {
        counts.replaceChildren();
        return;
      }

      const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0]));
      for (const task of answer.json.tasks) byStatus[task.status] += 1;
      counts.replaceChildren(
        el('span', { text: `Newest ${answer.json.tasks.length}${answer.json.next_cursor ? '' : ' (all)'}:` }),
        ...STATUSES.map((s) => el('span', { 'data-status': s }, statusBadge(s), ` ${byStatus[s]}`)));
    }

    load();
    refreshTimer = setInterval(() => {
      if (auto.checked && document.visibilityState === 'visible') load();
    }, REFRESH_MS);
  }

  // ---- one task ----------------------------------------------------------------------------------------------

  function attemptItem(attempt) {
    const result = attempt.status_code !== null && attempt.status_code !== undefined
      ? `HTTP ${attempt.status_code}`
      : (attempt.error_kind || 'no answer');
    const item = el('li', { class: `outcome-${attempt.outcome}` },
      el('div', {},
        el('strong', { text: `Attempt ${attempt.attempt}` }),
        attempt.retry > 0 ? ` · retry ${attempt.retry}` : '',
        ' · ', el('span', { class: 'mono', text: attempt.started_at }),
        attempt.duration_ms !== null && attempt.duration_ms !== undefined ? ` · ${attempt.duration_ms} ms` : '',
        ' · ', result, ' → ', statusBadge(attempt.outcome)));
    if (attempt.error) item.append(el('div', { class: 'error', text: attempt.error }));
    if (attempt.response !== null && attempt.response !== undefined) {
      item.append(el('pre', { class: 'response', text: attempt.response }));
    } else if (attempt.response_bytes) {
      item.append(el('div', { class: 'hint', text: `binary answer, ${attempt.response_bytes} bytes` }));
    }

    if (attempt.next_retry_at) item.append(el('div', { class: 'hint', text: `next attempt at ${attempt.next_retry_at}` }));
    return item;
  }

  async function taskPage(id, lastAnswer) {
    const view = $('view');
    const answer = await api('GET', `/api/v1/tasks/${id}`);
    if (!answer.ok) {
      showRefusal(el('h2', { text: `Task ${id}` }), answer);
      return;
    }

    const task = answer.json;
    const fields = [
      ['Task', task.task_id], ['Caller', task.caller], ['Status', statusBadge(task.status)], ['Run at', task.run_at],
      ['Target', `${task.method} ${task.url}`], ['Attempts', `${task.attempts} (budget ${task.max_attempts} per delivery)`],
      ['Retried by hand', task.retries ? `${task.retries} time(s), last at ${task.retried_at}` : 'never'],
      ['Last status', task.last_status_code ?? '—'], ['Last error', task.last_error ?? '—'],
      ['Created', task.created_at], ['Updated', task.updated_at],
    ];
    if (task.schedule_id) {
      fields.push(['Schedule', el('a', { href: `#/schedules/${task.schedule_id}/runs`, text: task.schedule_id })]);
      fields.push(['Occurrence', `${task.occurrence}${task.late ? ' (late)' : ''}`]);
    }

    const result = answerBox(lastAnswer);
    const force = el('input', { type: 'checkbox', id: 'force-retry' });
    const cancel = el('button', {
      type: 'button', id: 'cancel-task', text: 'Cancel',
      onclick: async () => {
        if (!window.confirm(`Cancel task ${id}?`)) return;
        taskPage(id, answerText(await api('DELETE', `/api/v1/tasks/${id}`)));
      },
    });
    const retry = el('button', {
      type: 'button', id: 'retry-task', text: 'Retry',
      onclick: async () => taskPage(id, answerText(await api('POST', `/api/v1/tasks/${id}/retry`, force.checked ? { force: true } : undefined))),
    });

    const attempts = task.attempts_log || [];
    view.replaceChildren(
      el('h2', {}, 'Task ', el('span', { class: 'mono', text: task.task_id })),
      el('dl', { class: 'fields', id: 'task-fields' }, ...fields.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', {}, value)])),
      el('div', { class: 'actions' }, cancel, retry, el('label', {}, force, ' force (deliver a succeeded task again)')),
      result,
      el('h3', { text: 'Data' }), el('pre', { id: 'task-data', text: JSON.stringify(task.data, null, 2) }),
      el('h3', { text: 'Header names' }),
      (task.header_names || []).length
        ? el('ul', { id: 'header-names' }, ...task.header_names.map((h) => el('li', { class: 'mono', text: h })))
        : el('p', { class: 'hint', text: 'none' }),
      el('h3', { text: `Attempts (${attempts.length}${task.attempts > attempts.length ? ` of ${task.attempts}, the last ${attempts.length} kept` : ''})` }),
      attempts.length ? el('ol', { id: 'attempts', class: 'timeline' }, ...attempts.map(attemptItem)) : el('p', { class: 'hint', id: 'attempts', text: 'No attempt yet.' }));
  }

  // ---- schedules ---------------------------------------------------------------------------------------------

  async function schedulesPage(lastAnswer) {
    const view = $('view');
    const answer = await api('GET', '/api/v1/schedules?limit=100');
    if (!answer.ok) {
      showRefusal(el('h2', { text: 'Schedules' }), answer);
      return;
    }

    const result = answerBox(lastAnswer);

    const rows = answer.json.schedules.map((s) => {
      const paused = s.state === 'paused';
      const toggle = el('button', {
        type: 'button', class: paused ? 'resume' : 'pause', text: paused ? 'Resume' : 'Pause', disabled: s.state === 'ended',
        onclick: async () => schedulesPage(answerText(await api('PATCH', `/api/v1/schedules/${s.schedule_id}`, { state: paused ? 'enabled' : 'paused' }))),
      });
      const nextRuns = el('div', {}, ...s.next_runs.slice(0, 3).map((t) => el('div', { class: 'mono', text: t })));
      const last = s.last_run
        ? el('div', {}, taskLink(s.last_run.task_id), ' ', statusBadge(s.last_run.status || 'unknown'))
        : '—';
      return el('tr', { 'data-schedule-id': s.schedule_id },
        cell(el('a', { href: `#/schedules/${s.schedule_id}/runs`, text: s.name || s.schedule_id })),
        cell(s.schedule_expression, 'mono'), cell(s.time_zone), cell(statusBadge(s.state)),
        cell(nextRuns), cell(last), cell(toggle));
    });
    view.replaceChildren(
      el('h2', { text: 'Schedules' }), result,
      table('schedules', ['Schedule (its runs)', 'Expression', 'Time zone', 'State', 'Next runs', 'Last run', ''], rows),
      rows.length ? '' : el('p', { class: 'hint', text: 'No schedules.' }));
  }

  async function runsPage(scheduleId) {
    const view = $('view');
    const answer = await api('GET', `/api/v1/schedules/${scheduleId}/runs?limit=100`);
    const heading = el('h2', {}, 'Runs of ', el('span', { class: 'mono', text: scheduleId }));
    if (!answer.ok) {
      showRefusal(heading, answer);
      return;
    }

    view.replaceChildren(heading, table('runs', TASK_HEADINGS, answer.json.runs.map(taskRow)),
      answer.json.runs.length ? '' : el('p', { class: 'hint', text: 'No runs yet.' }));
  }

  // ---- dead letters ------------------------------------------------------------------------------------------

  async function deadLettersPage(lastAnswer) {
    const view = $('view');
    const answer = await api('GET', '/api/v1/dead-letters?limit=100');
    if (!answer.ok) {
      showRefusal(el('h2', { text: 'Dead letters' }), answer);
      return;
    }

    const result = answerBox(lastAnswer);

    const letters = answer.json.dead_letters;
    const system = answer.json.system;
    const withSystem = el('input', { type: 'checkbox', id: 'redrive-system' });
    const redrive = el('button', {
      type: 'button', id: 'redrive', text: 'Redrive all',
      onclick: async () => deadLettersPage(answerText(await api('POST', '/api/v1/dead-letters/redrive', withSystem.checked ? { system: true } : undefined))),
    });
    const parts = [
      el('h2', { text: 'Dead letters' }),
      el('p', { class: 'hint', text: 'Tasks that ended failed. Redrive delivers them again now, each with a fresh attempt budget.' }),
      el('div', { class: 'actions' }, redrive, system ? el('label', {}, withSystem, ' also the system dead-letter queue') : ''),
      result,
      table('dead-letters', ['Task', 'Caller', 'Attempts', 'Last result', 'Updated'], letters.map((t) => el('tr', {},
        cell(taskLink(t.task_id), 'id'), cell(t.caller), cell(String(t.attempts)),
        cell(String(t.last_status_code ?? t.last_error ?? '')), cell(t.updated_at, 'mono')))),
      letters.length ? '' : el('p', { class: 'hint', text: 'No failed tasks.' }),
    ];
    if (system) {
      parts.push(
        el('h3', { text: `System dead-letter queue (about ${system.approximate_count})` }),
        table('system-dead-letters', ['Message', 'Wakes', 'Sent', 'Receives'], system.messages.map((m) => el('tr', {},
          cell(m.message_id, 'mono'),
          cell(m.task_id ? taskLink(m.task_id) : (m.schedule_id ? `schedule ${m.schedule_id} at ${m.occurrence}` : 'nothing (not redrivable)')),
          cell(m.sent_at || '', 'mono'), cell(String(m.receive_count))))));
    }

    view.replaceChildren(...parts);
  }

  // ---- routing -----------------------------------------------------------------------------------------------

  function route() {
    stopRefresh();
    if (!sessionStorage.getItem(KEY)) {
      showSignIn('');
      return;
    }

    $('sign-in').hidden = true;
    $('nav').hidden = false;
    $('view').hidden = false;
    const hash = location.hash || '#/tasks';
    let match;
    if ((match = /^#\/tasks\/([0-9a-f]{32})$/.exec(hash))) {
      taskPage(match[1]);
    } else if ((match = /^#\/schedules\/([0-9a-f]{32})\/runs$/.exec(hash))) {
      runsPage(match[1]);
    } else if (hash === '#/schedules') {
      schedulesPage();
    } else if (hash === '#/dead-letters') {
      deadLettersPage();
    } else {
      tasksPage();
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    window.addEventListener('hashchange', route);
    route();
  });
})();
