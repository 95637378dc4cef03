import type { LoaderFunctionArgs } from "@remix-run/node";
import { dictionaryResponse } from "~/i18n/dictionary.server";

/** `/i18n/fr.<hash>.json`: the reader's dictionary, fetched once by the browser and cached for a year. */
export async function loader({ params }: LoaderFunctionArgs) {
  return dictionaryResponse(params.file ?? "");
}
