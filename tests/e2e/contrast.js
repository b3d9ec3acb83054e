// Every visible piece of text against the colour actually behind it (WCAG 2.x contrast):
// walks up the ancestors and composites their background colours, so white text on a
// transparent button over a white panel is caught. Returns the failures.
return (function () {
  function parse(colour) {
    const m = colour.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  }
  function over(top, bottom) {
    const a = top.a + bottom.a * (1 - top.a);
    if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (t, b) => (t * top.a + b * bottom.a * (1 - top.a)) / a;
    return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: a };
  }
  function luminance(c) {
    const channel = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  }
  function backgroundOf(element) {
    const layers = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== "none") return null; // unknowable
      const colour = parse(style.backgroundColor);
      if (colour && colour.a > 0) layers.push(colour);
      if (colour && colour.a === 1) break;
    }
    let result = { r: 255, g: 255, b: 255, a: 1 }; // the canvas
    for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return result;
  }
  const failures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const text = walker.currentNode;
    if (!text.textContent.trim()) continue;
    const element = text.parentElement;
    if (!element || seen.has(element)) continue;
    seen.add(element);
    const rect = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (rect.width === 0 || rect.height === 0 || style.visibility === "hidden") continue;
    if (element.closest(".visually-hidden, [hidden], svg, option, :disabled, [aria-disabled=true]")) continue;
    if (parseFloat(style.opacity) === 0) continue;
    const background = backgroundOf(element);
    const foreground = parse(style.color);
    if (!background || !foreground) continue;
    const colour = over(foreground, background);
    const [light, dark] = [luminance(colour), luminance(background)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const bold = parseInt(style.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const needed = large ? 3 : 4.5;
    if (ratio < needed - 0.01) {
      failures.push(
        `${element.tagName.toLowerCase()}.${[...element.classList].join(".")} ` +
          `"${text.textContent.trim().slice(0, 40)}": ${ratio.toFixed(2)} < ${needed}`
      );
    }
  }
  return failures;
})();
