// The 打印 button of the print pages (no inline script: the CSP forbids it).
document.addEventListener('DOMContentLoaded', function () {
  var button = document.getElementById('print-button');
  if (button) {
    button.addEventListener('click', function () { window.print(); });
  }
});
