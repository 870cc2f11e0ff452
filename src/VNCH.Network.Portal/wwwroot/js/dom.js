// Small DOM helpers: every element is built with createElement and textContent, so text from the API is never markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** h('tag.class#id', {attr: value, onclick: fn}, ...children) */
export function h(spec, attrs = {}, ...children) {
  return build(document.createElement(tagOf(spec)), spec, attrs, children);
}

/** The same for SVG elements (attributes set with setAttribute, presentation attributes only: the CSP forbids style=). */
export function s(spec, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tagOf(spec)), spec, attrs, children);
}

function tagOf(spec) {
  return spec.split(/[.#]/)[0];
}

function build(element, spec, attrs, children) {
  for (const match of spec.matchAll(/([.#])([\w-]+)/g)) {
    if (match[1] === '.') element.classList.add(match[2]);
    else element.id = match[2];
  }
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') String(value).split(/\s+/).filter(Boolean).forEach(c => element.classList.add(c));
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'text') element.textContent = value;
    else if (name in element && !(element instanceof SVGElement) && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(element) {
  while (element.firstChild) element.firstChild.remove();
  return element;
}

/** Says something to screen readers through the page's polite live region. */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (region) {
    region.textContent = '';
    setTimeout(() => { region.textContent = text; }, 50);
  }
}

/** Saves a Blob as a file through a temporary object URL (no data in the page URL, revoked right after). */
export function saveBlob(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
