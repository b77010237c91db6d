import { createContext } from 'react';
import type { FileInputRule } from '../vocabulary.js';

/** What a file field asks the app for when the user presses Browse. */
export interface FilePickRequest {
  /** The field's name in the form's data (its top-level key), for the folders it used before. */
  field: string;
  /** The field's label, for the chooser's title. */
  label: string;
  rule: FileInputRule;
  /** What the field holds now (the chooser may start next to it). */
  current: string;
}

/**
 * How the form's file fields reach a chooser: the app provides one (the desktop dialog, or the
 * page's own folder browser); without one, a file field is a text box only.
 */
export interface FilePicker {
  /** The path the user chose, or undefined when they cancelled. */
  choose(request: FilePickRequest): Promise<string | undefined>;
  /** Where a file dropped on the field is on disk, when the app can know it (the desktop app). */
  pathOfDropped(file: File): string | undefined;
}

export const FilePickerContext = createContext<FilePicker | null>(null);
