/**
 * On a phone a wide table becomes a list of cards: each row a card, each cell a line labelled
 * with its column (styles.css, max-width 600px). The labels come from each table's header, in one
 * place for every `table.data`, so no page can forget them: this watches the document and copies
 * the header texts to the cells' data-label whenever a table's rows change.
 */
function labelTable(table: HTMLTableElement) {
  const headers = [...(table.tHead?.rows[0]?.cells ?? [])].map((cell) => cell.textContent?.trim() ?? '');
  if (!headers.length) return;
  for (const body of table.tBodies)
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        const label = cell.colSpan === 1 ? (headers[column] ?? '') : '';
        if (cell.getAttribute('data-label') !== label) cell.setAttribute('data-label', label);
        column += cell.colSpan;
      }
    }
}

let scheduled = false;
function labelAll() {
  scheduled = false;
  document.querySelectorAll<HTMLTableElement>('table.data').forEach(labelTable);
}

export function installTableCards() {
  new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(labelAll);
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
}
