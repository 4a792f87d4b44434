// Repeated rows (budget lines, indicators, milestones, criteria) added and removed in place.
// Without this script the forms still work: blank rows are offered, a cleared row is removed
// when saved, and 添加一行 posts the form back with one more blank row.
(function () {
  'use strict';

  function clearRow(row) {
    row.querySelectorAll('input, textarea, select').forEach(function (field) {
      if (field.tagName === 'SELECT') {
        if (!field.hasAttribute('data-keep')) { field.selectedIndex = 0; }
      } else if (field.type === 'checkbox' || field.type === 'radio') {
        field.checked = false;
      } else {
        field.value = '';
      }
    });
    row.querySelectorAll('.is-invalid').forEach(function (field) { field.classList.remove('is-invalid'); });
    // A saved amount belongs to the saved row, not to its copy.
    row.querySelectorAll('[data-amount]').forEach(function (cell) { cell.textContent = ''; });
  }

  function addRow(name) {
    var table = document.querySelector('table[data-rows="' + name + '"]');
    if (!table) { return; }
    var body = table.tBodies[0];
    var last = body.rows[body.rows.length - 1];
    if (!last) { return; }
    var row = last.cloneNode(true);
    clearRow(row);
    body.appendChild(row);
    var first = row.querySelector('input:not([type=hidden]), select, textarea');
    if (first) { first.focus(); }
  }

  function removeRow(button) {
    var row = button.closest('tr');
    var body = row.parentNode;
    if (body.rows.length > 1) {
      body.removeChild(row);
    } else {
      clearRow(row);
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-remove-row], [data-add-row][hidden]').forEach(function (button) {
      button.hidden = false;
    });
    document.addEventListener('click', function (event) {
      var add = event.target.closest('[data-add-row]');
      if (add) {
        event.preventDefault();
        addRow(add.getAttribute('data-add-row'));
        return;
      }
      var remove = event.target.closest('[data-remove-row]');
      if (remove) {
        event.preventDefault();
        removeRow(remove);
      }
    });
  });
}());
