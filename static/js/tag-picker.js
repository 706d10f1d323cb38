/* The work-report data picker: find a figure by its Chinese name, copy its template tag, and show the
   template syntax only to those who ask for it. */
(function () {
  const search = document.querySelector('[data-tag-search]');
  const rows = Array.from(document.querySelectorAll('[data-tag-row]'));
  if (search) {
    search.addEventListener('input', function () {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      rows.forEach(function (row) {
        const text = row.textContent.toLowerCase();
        row.classList.toggle('d-none', !words.every(function (w) { return text.indexOf(w) >= 0; }));
      });
    });
  }
  const toggle = document.querySelector('[data-toggle-syntax]');
  if (toggle) {
    toggle.addEventListener('change', function () {
      document.querySelectorAll('[data-syntax]').forEach(function (el) {
        el.classList.toggle('d-none', !toggle.checked);
      });
    });
  }
  function copied(button) {
    const label = button.textContent;
    button.textContent = '已复制';
    button.classList.add('btn-success');
    setTimeout(function () { button.textContent = label; button.classList.remove('btn-success'); }, 1500);
  }
  function fallback(text, button) {
    // Without the clipboard API (plain http on an intranet): copy through a selected text area.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    try { document.execCommand('copy'); copied(button); } finally { document.body.removeChild(area); }
  }
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.addEventListener('click', function () {
      const text = button.dataset.copy;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { copied(button); }, function () { fallback(text, button); });
      } else {
        fallback(text, button);
      }
    });
  });
})();
