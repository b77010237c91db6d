import { describe, expect, it } from 'vitest';
import {
  DARK_PALETTE,
  LIGHT_PALETTE,
  LOG_COLOURS,
  themeFor,
  TOP_BAR,
} from '../../renderer/src/theme.js';

/** sRGB channels 0–255 of `#rrggbb`. */
function channels(hex: string): [number, number, number] {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [1, 2, 3].map((i) => parseInt(match[i]!, 16)) as [number, number, number];
}

/** WCAG 2.1 relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((value) => {
    const c = value / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.1 contrast ratio of two colours (1 to 21). */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** `top` at `opacity` over `under`, as the browser paints a translucent background. */
function over(top: string, opacity: number, under: string): string {
  const [t, u] = [channels(top), channels(under)];
  return `#${t
    .map((value, i) => Math.round(value * opacity + u[i]! * (1 - opacity)))
    .map((value) => value.toString(16).padStart(2, '0'))
    .join('')}`;
}

const TEXT = 4.5; // WCAG 1.4.3, normal text
const NON_TEXT = 3; // WCAG 1.4.11, the focus ring and icons

const COLOURS = ['primary', 'secondary', 'success', 'warning', 'error', 'info'] as const;

for (const [mode, palette] of [
  ['light', LIGHT_PALETTE],
  ['dark', DARK_PALETTE],
] as const) {
  const surfaces = { page: palette.background.default, paper: palette.background.paper };

  describe(`the ${mode} palette`, () => {
    it('body and secondary text are at least 4.5:1 on the page and on paper', () => {
      for (const [surface, background] of Object.entries(surfaces)) {
        expect(
          contrast(palette.text.primary, background),
          `text on ${surface}`,
        ).toBeGreaterThanOrEqual(TEXT);
        expect(
          contrast(palette.text.secondary, background),
          `secondary text on ${surface}`,
        ).toBeGreaterThanOrEqual(TEXT);
      }
    });

    it('each status colour as text (outlined chips, links, text buttons) is at least 4.5:1 on the page and on paper', () => {
      for (const colour of COLOURS)
        for (const [surface, background] of Object.entries(surfaces))
          expect(
            contrast(palette[colour].main, background),
            `${colour}.main ${palette[colour].main} on ${surface} ${background}`,
          ).toBeGreaterThanOrEqual(TEXT);
    });

    it('each filled status colour (chips, contained buttons) is at least 4.5:1 against its own text', () => {
      for (const colour of COLOURS)
        expect(
          contrast(palette[colour].main, palette[colour].contrastText),
          `${colour}: ${palette[colour].contrastText} on ${palette[colour].main}`,
        ).toBeGreaterThanOrEqual(TEXT);
    });

    it('the selected script or place (primary at the selected opacity over paper) keeps text at 4.5:1', () => {
      const selected = over(
        palette.primary.main,
        themeFor(mode).palette.action.selectedOpacity,
        palette.background.paper,
      );
      expect(contrast(palette.text.primary, selected)).toBeGreaterThanOrEqual(TEXT);
      expect(contrast(palette.text.secondary, selected)).toBeGreaterThanOrEqual(TEXT);
    });

    it('the focus ring (primary) is at least 3:1 on the page and on paper', () => {
      for (const background of Object.values(surfaces))
        expect(contrast(palette.primary.main, background)).toBeGreaterThanOrEqual(NON_TEXT);
    });

    it('the top bar: white text at 4.5:1, and the ring shows there on its halo of page colour', () => {
      const bar = TOP_BAR[mode];
      expect(contrast(bar.text, bar.background)).toBeGreaterThanOrEqual(TEXT);
      // Focused, a control in the bar gets a 4px halo of the page colour with the 2px ring on it
      // (Material UI's AppBar focus shadow). Where the bar was, one of them must differ from it by
      // 3:1: in light the halo does (the ring is the bar's own blue), in dark the ring does.
      const ringOnBar = contrast(palette.primary.main, bar.background);
      const haloOnBar = contrast(palette.background.default, bar.background);
      expect(Math.max(ringOnBar, haloOnBar)).toBeGreaterThanOrEqual(NON_TEXT);
      expect(contrast(palette.primary.main, palette.background.default)).toBeGreaterThanOrEqual(
        NON_TEXT,
      );
    });

    it('the built theme uses exactly these colours', () => {
      const theme = themeFor(mode);
      expect(theme.palette.mode).toBe(mode);
      for (const colour of COLOURS) {
        expect(theme.palette[colour].main).toBe(palette[colour].main);
        expect(theme.palette[colour].contrastText).toBe(palette[colour].contrastText);
      }
      expect(theme.palette.background.default).toBe(palette.background.default);
    });
  });
}

describe('the log panel (the same in both modes)', () => {
  it('its text, stderr lines and notes are at least 4.5:1 on its background', () => {
    for (const [name, colour] of Object.entries({
      text: LOG_COLOURS.text,
      stderr: LOG_COLOURS.stderr,
      muted: LOG_COLOURS.muted,
    }))
      expect(contrast(colour, LOG_COLOURS.background), name).toBeGreaterThanOrEqual(TEXT);
  });
});

describe('contrast()', () => {
  it('gives the WCAG figures for known pairs', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrast('#1f5fa6', '#1f5fa6')).toBe(1);
  });
});
