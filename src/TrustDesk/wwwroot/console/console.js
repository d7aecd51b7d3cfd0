// Handle time: every 15 s, tells each tracking component (HandleTimer) whether the page is seen and in use: visible, with a
// key, click, scroll or touch in the last two minutes. The server counts the time between the signals.
const activity = (() => {
  const idleAfterMs = 120_000;
  let lastInput = Date.now();
  const seen = () => { lastInput = Date.now(); };
  for (const type of ['keydown', 'pointerdown', 'wheel', 'touchstart', 'scroll', 'mousemove']) {
    document.addEventListener(type, seen, { passive: true, capture: true });
  }
  const timers = new Map();
  const signal = timer => {
    const inUse = document.visibilityState === 'visible' && Date.now() - lastInput < idleAfterMs;
    timer.invokeMethodAsync(inUse ? 'Active' : 'Idle').catch(() => {});
  };
  document.addEventListener('visibilitychange', () => timers.forEach((_, timer) => signal(timer)));
  return {
    track: timer => { signal(timer); timers.set(timer, setInterval(() => signal(timer), 15_000)); },
    stop: timer => { clearInterval(timers.get(timer)); timers.delete(timer); },
  };
})();

// Keyboard shortcuts and draft keeping for the TrustDesk console. Shortcuts click (or focus) the element that carries
// data-shortcut-key, so every shortcut is also a visible, labelled control.
(() => {
  const typingIn = el => el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

  // Buttons that show or hide another element (no inline handlers: the Content-Security-Policy forbids them).
  document.addEventListener('click', event => {
    const toggle = event.target.closest?.('[data-toggles]');
    if (toggle) {
      document.querySelector(toggle.dataset.toggles)?.toggleAttribute('hidden');
    }
  });

  document.addEventListener('keydown', event => {
    if (event.ctrlKey && event.key === 'Enter' && event.target.matches('textarea[data-send]')) {
      event.preventDefault();
      // The text binds on change; say it changed before sending.
      event.target.dispatchEvent(new Event('change', { bubbles: true }));
      document.querySelector(event.target.dataset.send)?.click();
      return;
    }
    if (event.key === 'Escape' && typingIn(event.target)) {
      event.target.blur();
      return;
    }
    if (event.ctrlKey || event.altKey || event.metaKey || typingIn(event.target)) {
      return;
    }
    const key = event.key;
    if (key === '?') {
      document.querySelector('#shortcut-help')?.toggleAttribute('hidden');
      event.preventDefault();
      return;
    }
    const target = document.querySelector(`[data-shortcut-key="${CSS.escape(key)}"]`);
    if (!target) {
      return;
    }
    event.preventDefault();
    if (typingIn(target)) {
      target.focus();
      target.select?.();
    } else {
      target.click();
      const focus = target.dataset.shortcutFocus;
      if (focus) {
        requestAnimationFrame(() => setTimeout(() => document.querySelector(focus)?.focus(), 50));
      }
    }
  });

  // Drafts live in this browser until sent: a session that ends mid-reply loses nothing.
  document.addEventListener('input', event => {
    const key = event.target.dataset?.draftKey;
    if (key) {
      if (event.target.value) {
        localStorage.setItem(key, event.target.value);
      } else {
        localStorage.removeItem(key);
      }
    }
  });

  window.trustdesk = {
    loadDraft: key => localStorage.getItem(key) ?? '',
    saveDraft: (key, text) => text ? localStorage.setItem(key, text) : localStorage.removeItem(key),
    clearDraft: key => localStorage.removeItem(key),
    focus: selector => document.querySelector(selector)?.focus(),
    trackActivity: timer => activity.track(timer),
    stopActivity: timer => activity.stop(timer),
  };
})();

// SLA countdowns: every element with data-due (an ISO instant) shows the time left, or how far past due, and takes the
// colour of its urgency. The server renders the first value; this keeps it moving without asking the server.
(() => {
  const format = ms => {
    const s = Math.floor(Math.abs(ms) / 1000);
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
  };
  const tick = () => {
    const now = Date.now();
    for (const el of document.querySelectorAll('[data-due]')) {
      const due = Date.parse(el.dataset.due);
      if (Number.isNaN(due)) {
        continue;
      }
      const left = due - now;
      // At risk from the server's warning time (a share of the target used), the same rule as the API's slaState.
      const risk = el.dataset.atRisk ? Date.parse(el.dataset.atRisk) : NaN;
      const state = left <= 0 ? 'breached' : el.dataset.sla === 'at_risk' || now >= risk ? 'at_risk' : 'ok';
      el.textContent = left <= 0 ? `${format(left)} over` : format(left);
      el.classList.remove('td-due-ok', 'td-due-at_risk', 'td-due-breached', 'td-due-none');
      el.classList.add(`td-due-${state}`);
    }
  };
  setInterval(tick, 1000);
})();
