// Reads .ics files with ical.js (an independent parser) and prints JSON of their events.
// Usage: node tests/tools/parse_ics.mjs FILE...
// Times are resolved against the VTIMEZONE definitions inside each file only (no time zone
// database), so a wrong or missing VTIMEZONE shows up as a wrong instant or an error.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function instant(property) {
  if (!property) return null;
  const time = property.getFirstValue();
  const tzid = property.getParameter("tzid");
  if (tzid && (!time.zone || time.zone.tzid !== tzid)) {
    throw new Error(`no VTIMEZONE in the file for TZID ${tzid}`);
  }
  if (!tzid && !time.isDate && time.zone !== ICAL.Timezone.utcTimezone) {
    throw new Error(`floating time ${time.toString()} has no zone`);
  }
  return { utc: time.toJSDate().toISOString(), tzid: tzid ?? null, local: time.toString() };
}

function address(property) {
  return {
    value: property.getFirstValue(),
    cn: property.getParameter("cn") ?? null,
    partstat: property.getParameter("partstat") ?? null,
    role: property.getParameter("role") ?? null,
    rsvp: property.getParameter("rsvp") ?? null,
  };
}

function parseFile(path) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
    const organizer = vevent.getFirstProperty("organizer");
    return {
      uid: vevent.getFirstPropertyValue("uid"),
      sequence: vevent.getFirstPropertyValue("sequence"),
      summary: vevent.getFirstPropertyValue("summary"),
      status: vevent.getFirstPropertyValue("status"),
      dtstart: instant(vevent.getFirstProperty("dtstart")),
      dtend: instant(vevent.getFirstProperty("dtend")),
      organizer: organizer ? address(organizer) : null,
      attendees: vevent.getAllProperties("attendee").map(address),
    };
  });
  const todos = calendar.getAllSubcomponents("vtodo").map((vtodo) => {
    const due = vtodo.getFirstProperty("due");
    const completed = vtodo.getFirstPropertyValue("completed");
    return {
      uid: vtodo.getFirstPropertyValue("uid"),
      summary: vtodo.getFirstPropertyValue("summary"),
      description: vtodo.getFirstPropertyValue("description"),
      status: vtodo.getFirstPropertyValue("status"),
      priority: vtodo.getFirstPropertyValue("priority"),
      url: vtodo.getFirstPropertyValue("url"),
      due: due ? { value: due.getFirstValue().toString(), isDate: due.getFirstValue().isDate } : null,
      completed: completed ? completed.toJSDate().toISOString() : null,
    };
  });
  return {
    file: path,
    todos,
    method: calendar.getFirstPropertyValue("method"),
    version: calendar.getFirstPropertyValue("version"),
    prodid: calendar.getFirstPropertyValue("prodid"),
    timezones: calendar.getAllSubcomponents("vtimezone").map((zone) => zone.getFirstPropertyValue("tzid")),
    events,
  };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node parse_ics.mjs FILE...");
  process.exit(2);
}
const results = [];
for (const path of files) {
  try {
    results.push(parseFile(path));
  } catch (error) {
    results.push({ file: path, error: String(error && error.message ? error.message : error) });
  }
}
process.stdout.write(JSON.stringify(results, null, 2) + "\n");
