// Progressive enhancement only: every form works without this file.
// Refuse oversized files before a long upload (the server checks again and says why).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var max = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
  if (!max) return;
  var inputs = form.querySelectorAll("input[type=file]");
  for (var i = 0; i < inputs.length; i++) {
    var files = inputs[i].files || [];
    for (var j = 0; j < files.length; j++) {
      if (files[j].size > max) {
        event.preventDefault();
        alert("Tệp «" + files[j].name + "» có dung lượng " + (files[j].size / 1048576).toFixed(1) +
              " MB, vượt giới hạn " + Math.round(max / 1048576) + " MB. Vui lòng chọn tệp nhỏ hơn.");
        return;
      }
    }
  }
});
