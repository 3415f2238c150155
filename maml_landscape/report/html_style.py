"""The HTML ledger's inline style sheet and filter script (no CDN: the page works offline).

The script only filters: every claim is in the page and visible without it. Claims and
summary rows carry ``data-verdict`` and ``data-section``; the verdict buttons and the
section menu hide what does not match both, and ``#shown`` says how many claims remain.
"""

from maml_landscape.verdicts import COLOURS, Verdict

_VERDICT_COLOURS = (f"--holds: {COLOURS[Verdict.HOLDS]}; --approximate: {COLOURS[Verdict.APPROXIMATE]}; "
                    f"--corrected: {COLOURS[Verdict.HOLDS_AFTER_CORRECTION]}; --fails: {COLOURS[Verdict.FAILS]}; "
                    f"--unchecked: {COLOURS[Verdict.NOT_CHECKED]};")

STYLE = """
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #d9dce1; --bg-alt: #f6f7f9;
  """ + _VERDICT_COLOURS + """ }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 4rem; color: var(--fg);
  font: 16px/1.5 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.3rem; margin: 0 0 .4rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
code, pre { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .9em; }
pre { background: var(--bg-alt); padding: .6rem; overflow-x: auto; white-space: pre-wrap; }
a { color: #0b57d0; }
.provenance, .muted { color: var(--muted); font-size: .9rem; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .7rem; color: #fff;
  font-size: .85rem; font-weight: 600; white-space: nowrap; }
.v-holds { background: var(--holds); } .v-approximate { background: var(--approximate); }
.v-holds-after-correction { background: var(--corrected); } .v-fails { background: var(--fails); }
.v-not-checked { background: var(--unchecked); }
.counts .badge { margin-right: .3rem; }
#filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin: .8rem 0;
  padding: .6rem; background: var(--bg-alt); border: 1px solid var(--line); border-radius: .4rem; }
#filters button { font: inherit; font-size: .9rem; padding: .15rem .6rem; border: 1px solid var(--line);
  border-radius: .3rem; background: #fff; cursor: pointer; }
#filters button[aria-pressed="true"] { background: var(--fg); color: #fff; }
#filters select { font: inherit; font-size: .9rem; }
.table { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; font-size: .9rem; }
caption { text-align: left; font-style: italic; padding: .2rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--bg-alt); }
#summary-table td:first-child { white-space: nowrap; }
section.claim { border-top: 2px solid var(--line); margin-top: 2rem; padding-top: 1rem; }
section.claim:target { outline: 3px solid #f2c94c; outline-offset: .4rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .4rem 0 .8rem; font-size: .9rem; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; }
.label { font-weight: 600; }
.check { border-left: 3px solid var(--line); padding-left: .9rem; margin: 1rem 0; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .9rem; }
figure.formula { overflow-x: auto; }
math[display="block"] { margin: .4rem 0; font-size: 1.1em; }
.tex code { background: #fff4e5; }
.top { font-size: .85rem; }
"""

SCRIPT = """
(() => {
  const filters = document.getElementById("filters");
  const buttons = filters.querySelectorAll("button[data-verdict]");
  const section = document.getElementById("section-filter");
  const items = document.querySelectorAll("[data-verdict][data-section]");
  const total = document.querySelectorAll("section.claim").length;
  let verdict = "all";
  const apply = () => {
    let shown = 0;
    items.forEach((item) => {
      const visible = (verdict === "all" || item.dataset.verdict === verdict)
        && (section.value === "" || item.dataset.section === section.value);
      item.hidden = !visible;
      if (visible && item.classList.contains("claim")) shown += 1;
    });
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.verdict === verdict)));
    document.getElementById("shown").textContent = `${shown} of ${total} claims shown`;
  };
  buttons.forEach((b) => b.addEventListener("click", () => { verdict = b.dataset.verdict; apply(); }));
  section.addEventListener("change", apply);
  filters.hidden = false;
  apply();
})();
"""
