/**
 * The extension's own words in JupyterLab's language: its translation bundle for the
 * matdiff_magic domain (ITranslator.load), whose catalog the Python package writes from its
 * glossaries (matdiff_magic/i18n/jupyterlab.py). Its __ takes %1, %2 … for arguments, and
 * turns '%%' into '%': a msgid naming the %%matdiff magic takes it as an argument.
 */

/** The domain of the package's catalog, matdiff_magic/locale/<locale>/LC_MESSAGES/. */
export const DOMAIN = 'matdiff_magic';

/** What the extension needs of a translation bundle (TranslationBundle has it). */
export interface ITrans {
  __(msgid: string, ...args: unknown[]): string;
}

/** No translation: the English, its %1, %2 … filled in. */
export const ENGLISH: ITrans = {
  __: (msgid: string, ...args: unknown[]) =>
    msgid.replace(/%(\d+)/g, (m, k) =>
      Number(k) <= args.length ? String(args[Number(k) - 1]) : m
    )
};

/** The magic's name, an argument of the msgids that show it. */
export const MAGIC = '%%matdiff';
