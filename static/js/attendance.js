/* The attendance sheet (activity attendance, supervision attendance): filter the rows by name or
 * group, set the shown rows at once, and post only the rows whose status was chosen. */
(function () {
  const rows = Array.from(document.querySelectorAll('.att-item'));
  const text = document.getElementById('att-filter');
  const group = document.getElementById('att-group');
  function visible(row) { return row.style.display !== 'none'; }
  function apply() {
    const q = text.value.trim();
    const g = group.value;
    rows.forEach(function (row) {
      const show = (!q || row.dataset.name.indexOf(q) >= 0) && (!g || row.dataset.group === g);
      row.style.display = show ? '' : 'none';
    });
  }
  text.addEventListener('input', apply);
  group.addEventListener('change', apply);
  document.getElementById('att-bulk-apply').addEventListener('click', function () {
    const status = document.getElementById('att-bulk').value;
    rows.filter(visible).forEach(function (row) { row.querySelector('select').value = status; });
  });
  // Only members whose status was chosen are posted: an untouched "未登记" row sends no speeches either.
  var form = document.getElementById('attendance-form');
  if (form) form.addEventListener('submit', function () {
    rows.forEach(function (row) {
      const speeches = row.querySelector('.att-speeches');
      if (speeches && !row.querySelector('select').value) { speeches.disabled = true; }
    });
  });
})();
