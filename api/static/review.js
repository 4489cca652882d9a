// Review page: a selection inside the plan's words fills the "any text" form (the page works without it).
document.addEventListener("mouseup", function () {
  var sel = window.getSelection && window.getSelection();
  var box = document.getElementById("sel-text");
  if (!sel || !box || sel.isCollapsed) return;
  var node = sel.anchorNode && (sel.anchorNode.nodeType === 1 ? sel.anchorNode : sel.anchorNode.parentNode);
  if (!node || !node.closest || !node.closest(".source")) return;
  var text = sel.toString().trim();
  if (text.length > 10) { box.value = text; }
});
