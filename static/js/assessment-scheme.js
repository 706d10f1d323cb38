/* The assessment scheme page. */
(function () {
  // The activity kinds apply to sources that take them (出席活动（按类型）); hide them for the others.
  document.querySelectorAll('tr').forEach(function (row) {
    const select = row.querySelector('[data-source]');
    const box = row.querySelector('[data-kinds-box]');
    const none = row.querySelector('[data-kinds-none]');
    if (!select || !box) return;
    function apply() {
      const takes = select.selectedOptions[0] && select.selectedOptions[0].dataset.kinds === '1';
      box.classList.toggle('d-none', !takes);
      none.classList.toggle('d-none', takes);
    }
    select.addEventListener('change', apply);
    apply();
  });
})();
