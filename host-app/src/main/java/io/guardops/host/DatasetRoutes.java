package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetVersion;
import io.guardops.api.dataset.ImportOptions;
import io.guardops.engine.Access;
import io.guardops.engine.Datasets;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.Sharing;
import io.guardops.host.wire.GuardOpsViews;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets: the wire contract's routes (list, create, update, add traces, delete, share, import, the
 * evaluation page's reads, items as traces) and item-level routes in the same style (items paged by
 * cursor, add, update, delete, versions, file import and export).
 */
final class DatasetRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetRoutes.class);

  private final Engine engine;
  private final Json json;

  private DatasetRoutes(Engine engine, Json json) {
    this.engine = engine;
    this.json = json;
  }

  static void register(RouteTable t, Engine engine, Json json) {
    DatasetRoutes r = new DatasetRoutes(engine, json);
    t.route("GET", "/api/get_datasets", Role.DATASETS, "the caller's datasets, then those shared with them",
        r::getDatasets);
    t.route("POST", "/api/create_dataset", Role.DATASETS, "creates an empty dataset (`dataset_name`,"
        + " `dataset_description`)", r::createDataset)
        .params(Param.query("dataset_name", "the dataset's name").required(),
            Param.query("dataset_description", "the dataset's description"));
    t.route("PATCH", "/api/update_dataset", Role.DATASETS, "renames or redescribes a dataset (owner only)",
        r::updateDataset)
        .params(Param.query("dataset_name", "the dataset's name"),
            Param.query("dataset_id", "the dataset's id").required(),
            Param.query("dataset_description", "the dataset's description"));
    t.route("PATCH", "/api/add_traces_to_dataset", Role.DATASETS, "adds traces as item snapshots (`trace_ids`"
        + " repeated, `0x` form; optional `project_id`), as a new version (owner only)", r::addTraces)
        .params(Param.query("dataset_id", "the dataset's id").required(),
            Param.query("trace_ids", "trace ids (repeated), `0x` form"),
            Param.query("project_id", "the project's id"));
    t.route("DELETE", "/api/delete_dataset", Role.DATASETS, "deletes a dataset and its experiments; traces stay"
        + " (owner only)", r::deleteDataset)
        .params(Param.query("dataset_id", "the dataset's id").required());
    t.route("GET", "/api/share_dataset", Role.DATASETS, "a single-use share code for a dataset (owner only), shown"
        + " once", r::shareDataset)
        .params(Param.query("dataset_id", "the dataset's id").required());
    t.route("POST", "/api/import_dataset", Role.DATASETS, "redeems a dataset share code: the dataset joins the"
        + " caller's list", r::importDataset)
        .params(Param.query("share_code", "a share code").required());
    t.route("GET", "/api/get_datasets_for_eval", Role.DATASETS, "datasets for the evaluation page, with `shared`",
        r::datasetsForEval);
    t.route("GET", "/api/get_dataset_for_eval", Role.DATASETS, "every item of a dataset as `{prompt, response}`",
        r::datasetForEval)
        .params(Param.query("dataset_id", "the dataset's id").required());
    t.route("GET", "/api/get_dataset_traces", Role.DATASETS, "a page of a dataset's items, each as a trace of span"
        + " documents from its snapshot; `page`/`limit`", r::datasetTraces)
        .params(Param.query("limit", "items per page"), Param.query("page", "page number, from 1"),
            Param.query("dataset_id", "the dataset's id").required());
    t.route("GET", "/api/get_dataset_items", Role.DATASETS, "a page of items of a version (default the current);"
        + " `cursor`/`limit`", r::items)
        .params(Param.query("dataset_id", "the dataset's id").required(),
            Param.query("version", "a dataset version (default: the current one)"),
            Param.query("cursor", "the `next_cursor` of the previous page"), Param.query("limit", "items per page"));
    t.route("POST", "/api/add_dataset_items", Role.DATASETS, "adds or replaces items (JSON body `{\"items\": [...]}`),"
        + " as a new version (owner only)", r::addItems)
        .params(Param.query("dataset_id", "the dataset's id").required())
        .body("a JSON object", "application/json");
    t.route("PATCH", "/api/update_dataset_item", Role.DATASETS, "changes fields of one item (JSON body), as a new"
        + " version (owner only)", r::updateItem)
        .params(Param.query("dataset_id", "the dataset's id").required(),
            Param.query("item_id", "an item's id").required())
        .body("a JSON object", "application/json");
    t.route("DELETE", "/api/delete_dataset_items", Role.DATASETS, "removes items (`item_ids` repeated), as a new"
        + " version (owner only)", r::deleteItems)
        .params(Param.query("item_ids", "item ids (repeated)"),
            Param.query("dataset_id", "the dataset's id").required());
    t.route("GET", "/api/get_dataset_versions", Role.DATASETS, "the published versions of a dataset", r::versions)
        .params(Param.query("dataset_id", "the dataset's id").required());
    t.streamingRoute("POST", "/api/import_dataset_file", Role.DATASETS, "imports a CSV or JSONL file (the body,"
        + " streamed) as a new version; any bad line fails it with every line's error (owner only)", r::importFile)
        .params(Param.query("dataset_id", "the dataset's id").required(), Param.query("format", "`csv` or `jsonl`"),
            Param.query("max_errors", "stop reading after this many bad lines (default 100)"),
            Param.query("replace", "`true`: the new version holds only the file's items"),
            Param.query("map_input", "the column that holds `input` (likewise `map_output`, `map_expected`,"
                + " `map_context`, `map_metadata`, `map_id`)"), Param.query("map_output", "see `map_input`"),
            Param.query("map_expected", "see `map_input`"), Param.query("map_context", "see `map_input`"),
            Param.query("map_metadata", "see `map_input`"), Param.query("map_id", "see `map_input`"))
        .body("the file, CSV or JSONL", "text/csv", "application/x-ndjson", "application/jsonl");
    t.route("GET", "/api/export_dataset", Role.DATASETS, "downloads a version as CSV or JSONL (streamed)",
        r::export)
        .params(Param.query("version", "a dataset version (default: the current one)"),
            Param.query("format", "`csv` or `jsonl`"), Param.query("dataset_id", "the dataset's id").required());
  }

  private Object getDatasets(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Datasets.DatasetView v : engine.datasets().list(caller)) {
      out.add(GuardOpsViews.dataset(v.dataset(), v.relation()));
    }
    return Map.of("datasets", out);
  }

  private Object createDataset(Request r, Caller caller) {
    Dataset d = engine.datasets().create(caller, r.required("dataset_name"), r.param("dataset_description"));
    return GuardOpsViews.dataset(d, Access.Relation.OWNER);
  }

  private Object updateDataset(Request r, Caller caller) {
    String name = r.param("dataset_name");
    Dataset d = engine.datasets().update(caller, r.required("dataset_id"), name == null || name.isBlank() ? null : name,
        r.param("dataset_description"));
    return GuardOpsViews.dataset(d, Access.Relation.OWNER);
  }

  private Object addTraces(Request r, Caller caller) {
    Dataset d = engine.datasets().addTraces(caller, r.required("dataset_id"), r.params("trace_ids"),
        r.param("project_id"));
    return GuardOpsViews.dataset(d, Access.Relation.OWNER);
  }

  private Object deleteDataset(Request r, Caller caller) {
    String id = r.required("dataset_id");
    engine.datasets().delete(caller, id);
    return Map.of("deleted", id.trim());
  }

  private Object shareDataset(Request r, Caller caller) {
    Sharing.IssuedCode code = engine.datasets().share(caller, r.required("dataset_id"));
    return GuardOpsViews.issuedCode(code.code(), code.record());
  }

  private Object importDataset(Request r, Caller caller) {
    Dataset d = engine.datasets().importShared(caller, r.required("share_code"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("imported", true);
    out.put("dataset", GuardOpsViews.dataset(d, Access.Relation.MEMBER));
    return out;
  }

  private Object datasetsForEval(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    engine.datasets().list(caller).forEach(v -> out.add(GuardOpsViews.datasetForEval(v)));
    return Map.of("datasets", out);
  }

  private Object datasetForEval(Request r, Caller caller) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Datasets.EvalRow row : engine.datasets().forEval(caller, r.required("dataset_id"))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("prompt", row.prompt());
      m.put("response", row.response());
      rows.add(m);
    }
    return Map.of("data", rows);
  }

  private Object datasetTraces(Request r, Caller caller) {
    int limit = r.intParam("limit", 20, 1, 100);
    int page = r.intParam("page", 1, 1, 1_000_000);
    long offset = (long) (page - 1) * limit;
    if (offset > 1_000_000) {
      throw EngineException.badRequest("page is too deep (more than 1,000,000 items): use get_dataset_items");
    }
    return GuardOpsViews.datasetTraces(engine.datasets().itemsAt(caller, r.required("dataset_id"), offset, limit));
  }

  private Object items(Request r, Caller caller) {
    String after = r.afterCursor();
    Integer version = r.intParam("version", null, 1, Integer.MAX_VALUE);
    return GuardOpsViews.itemPage(engine.datasets().items(caller, r.required("dataset_id"),
        version == null ? null : version.longValue(), after, r.intParam("limit", 50, 1, 1000)));
  }

  private Object addItems(Request r, Caller caller) {
    String id = r.required("dataset_id");
    JsonNode body = json.object(r.body());
    JsonNode items = body.get("items");
    if (items == null || !items.isArray()) {
      throw EngineException.badRequest("the body must be {\"items\": [{\"input\", \"output\", \"expected\", \"context\","
          + " \"metadata\", \"id\"}, ...]}");
    }
    List<Datasets.ItemDraft> drafts = new ArrayList<>();
    int n = 0;
    for (JsonNode i : items) {
      if (!i.isObject()) {
        throw EngineException.badRequest("item " + n + " is not an object");
      }
      drafts.add(new Datasets.ItemDraft(Json.text(i, i.has("id") ? "id" : "item_id"), Json.text(i, "input"),
          Json.text(i, "output"), Json.text(i, "expected"), Json.strings(i, "context"), json.plainMap(i, "metadata")));
      n++;
    }
    Dataset d = engine.datasets().addItems(caller, id, drafts);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("added", drafts.size());
    out.put("dataset", GuardOpsViews.dataset(d, Access.Relation.OWNER));
    return out;
  }

  private Object updateItem(Request r, Caller caller) {
    JsonNode i = json.object(r.body());
    Dataset d = engine.datasets().updateItem(caller, r.required("dataset_id"), r.required("item_id"),
        new Datasets.ItemPatch(Json.text(i, "input"), Json.text(i, "output"), Json.text(i, "expected"),
            Json.strings(i, "context"), json.plainMap(i, "metadata")));
    return GuardOpsViews.dataset(d, Access.Relation.OWNER);
  }

  private Object deleteItems(Request r, Caller caller) {
    List<String> ids = new ArrayList<>();
    for (String v : r.params("item_ids")) {
      for (String p : v.split(",")) {
        ids.add(p);
      }
    }
    Dataset d = engine.datasets().deleteItems(caller, r.required("dataset_id"), ids);
    return GuardOpsViews.dataset(d, Access.Relation.OWNER);
  }

  private Object versions(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (DatasetVersion v : engine.datasets().versions(caller, r.required("dataset_id"))) {
      out.add(GuardOpsViews.version(v));
    }
    return Map.of("versions", out);
  }

  /** The item fields a column mapping may name, as {@code map_<field>} parameters. */
  private static Map<String, String> mapping(Request r) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (String field : ImportOptions.FIELDS) {
      String v = r.param("map_" + field);
      if (v != null && !v.isBlank()) {
        columns.put(field, v.trim());
      }
    }
    return columns;
  }

  private Object importFile(Request r, Caller caller) throws Exception {
    String id = r.required("dataset_id");
    String format = r.param("format");
    if (format == null || format.isBlank()) {
      format = formatOf(r.header("content-type"));
    }
    ImportOptions options;
    try {
      options = new ImportOptions(mapping(r), r.intParam("max_errors", 100, 1, 10_000));
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    Datasets.ImportReport report = engine.datasets().importFile(caller, id, format, r.bodyStream(), options,
        r.boolParam("replace", false));
    if (!report.ok()) {
      List<Map<String, Object>> errors = new ArrayList<>();
      for (Datasets.LineError e : report.errors()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", e.line());
        m.put("reason", e.reason());
        errors.add(m);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("detail", report.errors().size() + " line" + (report.errors().size() == 1 ? "" : "s")
          + " could not be imported" + (report.stopped() ? " (reading stopped at max_errors)" : "")
          + "; nothing was imported: fix them and import the file again");
      out.put("errors", errors);
      return new Reply(400, Reply.JSON, json.mapper.writeValueAsBytes(out));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("imported", report.items());
    out.put("dataset", GuardOpsViews.dataset(report.dataset(), Access.Relation.OWNER));
    return out;
  }

  /** A format from the upload's media type, for clients that send none. */
  private static String formatOf(String contentType) {
    String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (ct.startsWith("text/csv")) {
      return "csv";
    }
    if (ct.contains("jsonl") || ct.contains("ndjson") || ct.contains("jsonlines")) {
      return "jsonl";
    }
    throw EngineException.badRequest("name the file's format with format=csv or format=jsonl (or send Content-Type"
        + " text/csv or application/jsonl)");
  }

  private Object export(Request r, Caller caller) throws IOException {
    Integer version = r.intParam("version", null, 1, Integer.MAX_VALUE);
    String format = r.param("format");
    Datasets.Export export = engine.datasets().export(caller, r.required("dataset_id"),
        version == null ? null : version.longValue(), format == null || format.isBlank() ? "jsonl" : format);
    // written by its own thread into a pipe the server streams out, so the file never sits in memory
    PipedInputStream in = new PipedInputStream(64 * 1024);
    PipedOutputStream out = new PipedOutputStream(in);
    Thread writer = new Thread(() -> {
      try (out) {
        export.writeTo(out);
      } catch (IOException | RuntimeException e) {
        LOG.debug("export of dataset {} stopped: {}", export.dataset().datasetId(), e.toString());
      }
    }, "guardops-export-" + export.dataset().datasetId());
    writer.setDaemon(true);
    writer.start();
    String file = export.dataset().name().replaceAll("[^A-Za-z0-9._-]+", "_") + "-v" + export.version() + "."
        + export.format().fileExtension();
    return Reply.streamed(200, export.format().mediaType(), in,
        Map.of("Content-Disposition", "attachment; filename=\"" + file + "\""));
  }
}
