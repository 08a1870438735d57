using Xunit;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Tests;

public sealed class CrudTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Create_Assigns_Uid_Timestamp_ResourceVersion_And_Generation_One()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, body) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("a"));

        Assert.Equal(201, code);
        var meta = body["metadata"]!;
        Assert.True(Guid.TryParse((string?)meta["uid"], out _));
        Assert.NotNull((string?)meta["creationTimestamp"]);
        Assert.Equal(kube.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)meta["resourceVersion"]);
        Assert.Equal(1, body.Generation());
        Assert.Equal("Widget", (string?)body["kind"]);
    }

    [Fact]
    public async Task ResourceVersion_Is_One_Global_Increasing_Counter_Across_Resources()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (_, w) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("a"));
        var (_, cm) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));

        Assert.Equal(long.Parse(w.Rv(), System.Globalization.CultureInfo.InvariantCulture) + 1, long.Parse(cm.Rv(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Create_Of_Existing_Name_Returns_409_AlreadyExists_Status()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("dup"));

        var (code, body) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("dup"));

        Assert.Equal(409, code);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal("Failure", (string?)body["status"]);
        Assert.Equal("AlreadyExists", (string?)body["reason"]);
        Assert.Equal(409, (int?)body["code"]);
        Assert.Equal("configmaps \"dup\" already exists", (string?)body["message"]);
        Assert.Equal("dup", (string?)body["details"]!["name"]);
        Assert.Equal("configmaps", (string?)body["details"]!["kind"]);
    }

    [Fact]
    public async Task Get_Of_Missing_Object_Returns_404_NotFound_Status_With_Group()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, body) = await http.GetJsonAsync("/apis/apps/v1/namespaces/default/deployments/nope");

        Assert.Equal(404, code);
        Assert.Equal("NotFound", (string?)body["reason"]);
        Assert.Equal("deployments.apps \"nope\" not found", (string?)body["message"]);
        Assert.Equal("apps", (string?)body["details"]!["group"]);
    }

    [Fact]
    public async Task Answers_Of_Up_To_2048_Bytes_Carry_Their_Length_Larger_Ones_Are_Chunked_And_No_Server_Header_Is_Sent()
    {
        // Go's net/http, the real server's, holds 2,048 bytes (bufferBeforeChunkingSize) before it commits to chunking: the
        // real server writes an answer in one call, so a body that fits is sent with a Content-Length, a larger one chunked.
        // It sends no Server header.
        var ct = TestContext.Current.CancellationToken;
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        // Names of one length, so that the answers differ only in the data's length.
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("probe", data: new Dictionary<string, string> { ["k"] = "" }));
        using (var probe = await http.GetAsync(new Uri(ConfigMaps + "/probe", UriKind.Relative), ct))
        {
            var baseLength = (await probe.Content.ReadAsByteArrayAsync(ct)).Length;
            await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("atlim", data: new Dictionary<string, string> { ["k"] = new string('x', 2048 - baseLength) }));
            await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("above", data: new Dictionary<string, string> { ["k"] = new string('x', 2049 - baseLength) }));
        }

        using var fits = await http.GetAsync(new Uri(ConfigMaps + "/atlim", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
        using var over = await http.GetAsync(new Uri(ConfigMaps + "/above", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
        using var missing = await http.GetAsync(new Uri(ConfigMaps + "/nope", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);

        // The headers as sent (read before the bodies: a buffered body would give the content a computed length).
        Assert.Equal(2048, fits.Content.Headers.ContentLength);
        Assert.NotEqual(true, fits.Headers.TransferEncodingChunked);
        Assert.True(over.Headers.TransferEncodingChunked);
        Assert.Null(over.Content.Headers.ContentLength);
        Assert.Equal(404, (int)missing.StatusCode);
        var missingLength = missing.Content.Headers.ContentLength;
        Assert.Equal(2048, (await fits.Content.ReadAsByteArrayAsync(ct)).Length);
        Assert.Equal(2049, (await over.Content.ReadAsByteArrayAsync(ct)).Length);
        Assert.Equal((await missing.Content.ReadAsByteArrayAsync(ct)).Length, missingLength);
        Assert.All(new[] { fits, over, missing }, r => Assert.Empty(r.Headers.Server));
    }

    [Fact]
    public async Task An_Answer_Above_128_KiB_Is_Gzipped_For_A_Client_That_Accepts_Gzip_And_Sent_Plain_Otherwise()
    {
        // APIResponseCompression (beta, on by default since 1.16), responsewriters/writers.go: an answer of more than
        // defaultGzipThresholdBytes (128 KiB) goes with Content-Encoding: gzip and Vary: Accept-Encoding when the
        // Accept-Encoding header holds the exact token "gzip" (ContentEncodingSupported: "gzip;q=1.0" is not it); a smaller
        // answer, or one to a client that does not ask, is sent as it is. Watches are not compressed.
        var ct = TestContext.Current.CancellationToken;
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("probe", data: new Dictionary<string, string> { ["k"] = "" }));
        var probeLength = (await http.GetByteArrayAsync(new Uri(ConfigMaps + "/probe", UriKind.Relative), ct)).Length;
        var data = new string('x', 128 * 1024 - probeLength);
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("atlim", data: new Dictionary<string, string> { ["k"] = data }));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("above", data: new Dictionary<string, string> { ["k"] = data + "x" }));

        async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path, string? acceptEncoding)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            if (acceptEncoding is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
            }

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return (response, await response.Content.ReadAsByteArrayAsync(ct));
        }

        static byte[] Gunzip(byte[] body)
        {
            using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            return plain.ToArray();
        }

        var (atLimit, atLimitBody) = await GetAsync(ConfigMaps + "/atlim", "gzip");
        var (above, aboveBody) = await GetAsync(ConfigMaps + "/above", "deflate, gzip");
        var (plain, plainBody) = await GetAsync(ConfigMaps + "/above", null);
        var (weighted, weightedBody) = await GetAsync(ConfigMaps + "/above", "gzip;q=1.0");
        var (list, listBody) = await GetAsync(ConfigMaps, "gzip");

        Assert.Equal(128 * 1024, atLimitBody.Length);
        Assert.Empty(atLimit.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], above.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", above.Headers.Vary);
        Assert.Equal("application/json", above.Content.Headers.ContentType?.MediaType);
        Assert.True(aboveBody.Length < 128 * 1024 / 10, $"{aboveBody.Length} bytes"); // a run of 'x' compresses to almost nothing
        Assert.Equal(plainBody, Gunzip(aboveBody));
        Assert.Equal(128 * 1024 + 1, plainBody.Length);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Empty(weighted.Content.Headers.ContentEncoding);
        Assert.Equal(plainBody, weightedBody);
        Assert.Equal(["gzip"], list.Content.Headers.ContentEncoding);
        Assert.Equal(3, JsonNode.Parse(Gunzip(listBody))!["items"]!.AsArray().Count);
        // Go's net/http sends what it holds within 2,048 bytes with a Content-Length, compressed or not.
        Assert.Equal(aboveBody.Length, above.Content.Headers.ContentLength);
        foreach (var r in new[] { atLimit, above, plain, weighted, list })
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Unknown_Resource_Returns_404_With_Status_Body()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, body) = await http.GetJsonAsync("/apis/nothing.dev/v1/things");

        Assert.Equal(404, code);
        Assert.Equal("the server could not find the requested resource", (string?)body["message"]);
    }

    [Fact]
    public async Task Create_With_GenerateName_Picks_A_Fresh_Name_With_The_Prefix()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var cm = KubeHttp.ConfigMap("ignored");
        cm["metadata"]!.AsObject().Remove("name");
        cm["metadata"]!["generateName"] = "build-";

        var (c1, first) = await http.PostJsonAsync(ConfigMaps, cm);
        var (c2, second) = await http.PostJsonAsync(ConfigMaps, cm);

        Assert.Equal((201, 201), (c1, c2));
        var n1 = (string)first["metadata"]!["name"]!;
        var n2 = (string)second["metadata"]!["name"]!;
        Assert.StartsWith("build-", n1, StringComparison.Ordinal);
        Assert.Equal("build-".Length + 5, n1.Length);
        Assert.NotEqual(n1, n2);
    }

    [Fact]
    public async Task Create_In_A_Missing_Namespace_Returns_404_For_The_Namespace()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, body) = await http.PostJsonAsync("/api/v1/namespaces/ghost/configmaps", KubeHttp.ConfigMap("a", "ghost"));

        Assert.Equal(404, code);
        Assert.Equal("namespaces \"ghost\" not found", (string?)body["message"]);
    }

    [Fact]
    public async Task Create_With_An_Invalid_Name_Returns_422_Invalid_With_Causes()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, body) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("Bad_Name"));

        Assert.Equal(422, code);
        Assert.Equal("Invalid", (string?)body["reason"]);
        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value", (string?)body["message"], StringComparison.Ordinal);
        Assert.Equal("metadata.name", (string?)body["details"]!["causes"]![0]!["field"]);
    }

    [Fact]
    public async Task Update_With_A_Stale_ResourceVersion_Returns_409_Conflict()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, created) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));
        var stale = (JsonObject)created.DeepClone();
        created["data"]!["k"] = "v2";
        var (ok, _) = await http.PutJsonAsync(ConfigMaps + "/c", created);

        stale["data"]!["k"] = "v3";
        var (code, body) = await http.PutJsonAsync(ConfigMaps + "/c", stale);

        Assert.Equal(200, ok);
        Assert.Equal(409, code);
        Assert.Equal("Conflict", (string?)body["reason"]);
        Assert.Contains("the object has been modified; please apply your changes to the latest version and try again", (string?)body["message"], StringComparison.Ordinal);
        var (_, current) = await http.GetJsonAsync(ConfigMaps + "/c");
        Assert.Equal("v2", (string?)current["data"]!["k"]);
    }

    [Fact]
    public async Task Update_Of_A_Custom_Resource_Without_ResourceVersion_Returns_422()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("w"));

        var (code, body) = await http.PutJsonAsync(KubeHttp.WidgetsPath + "/w", KubeHttp.Widget("w", size: 2));

        Assert.Equal(422, code);
        Assert.Contains("must be specified for an update", (string?)body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_Of_A_ConfigMap_Without_ResourceVersion_Is_Unconditional()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));

        var (code, body) = await http.PutJsonAsync(ConfigMaps + "/c", KubeHttp.ConfigMap("c", data: new Dictionary<string, string> { ["k"] = "new" }));

        Assert.Equal(200, code);
        Assert.Equal("new", (string?)body["data"]!["k"]);
    }

    [Fact]
    public async Task Update_Of_A_Missing_Object_Returns_404()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, _) = await http.PutJsonAsync(ConfigMaps + "/c", KubeHttp.ConfigMap("c"));

        Assert.Equal(404, code);
    }

    [Fact]
    public async Task Update_With_A_Name_Different_From_The_Url_Returns_400()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));

        var (code, body) = await http.PutJsonAsync(ConfigMaps + "/c", KubeHttp.ConfigMap("d"));

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", (string?)body["reason"]);
    }

    [Fact]
    public async Task Generation_Bumps_On_Spec_Changes_But_Not_On_Metadata_Or_Status_Changes()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, w) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("g"));

        var (_, labelled) = await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/g", JsonNode.Parse("""{"metadata":{"labels":{"a":"b"}}}""")!);
        var (_, statusWritten) = await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/g/status", JsonNode.Parse("""{"status":{"phase":"Ready"}}""")!);
        var (_, specChanged) = await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/g", JsonNode.Parse("""{"spec":{"size":5}}""")!);

        Assert.Equal(1, w.Generation());
        Assert.Equal(1, labelled.Generation());
        Assert.Equal(1, statusWritten.Generation());
        Assert.Equal(2, specChanged.Generation());
        Assert.NotEqual(w.Rv(), labelled.Rv());
    }

    /// <summary>
    /// pkg/registry/apps/deployment/strategy.go, PrepareForUpdate: a Deployment's generation moves on a spec change and also
    /// on an annotation change (annotations are copied to its ReplicaSets); a label change, an empty annotation map where
    /// there was none, and a /status write keep it.
    /// </summary>
    [Fact]
    public async Task A_Deployment_Generation_Bumps_On_Annotation_Changes_But_Not_On_Labels_Or_Status()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        const string path = "/apis/apps/v1/namespaces/default/deployments";
        var deployment = JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},
             "spec":{"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},
             "spec":{"containers":[{"name":"app","image":"a:1"}]}}}}
            """)!.AsObject();
        var (_, created) = await http.PostJsonAsync(path, deployment);

        var (_, labelled) = await http.PatchJsonAsync(path + "/d", JsonNode.Parse("""{"metadata":{"labels":{"a":"b"}}}""")!);
        var (_, emptyAnnotations) = await http.PatchJsonAsync(path + "/d", JsonNode.Parse("""{"metadata":{"annotations":{}}}""")!);
        var (_, statusWritten) = await http.PatchJsonAsync(path + "/d/status", JsonNode.Parse("""{"status":{"observedGeneration":1}}""")!);
        var (_, annotated) = await http.PatchJsonAsync(path + "/d", JsonNode.Parse("""{"metadata":{"annotations":{"team":"a"}}}""")!);
        var (_, reannotated) = await http.PatchJsonAsync(path + "/d", JsonNode.Parse("""{"metadata":{"annotations":{"team":"b"}}}""")!);
        var (_, unannotated) = await http.PatchJsonAsync(path + "/d", JsonNode.Parse("""{"metadata":{"annotations":{"team":null}}}""")!);

        Assert.Equal(1, created.Generation());
        Assert.Equal(1, labelled.Generation());
        Assert.Equal(1, emptyAnnotations.Generation());
        Assert.Equal(1, statusWritten.Generation());
        Assert.Equal(2, annotated.Generation());
        Assert.Equal(3, reannotated.Generation());
        Assert.Equal(4, unannotated.Generation());
    }

    [Fact]
    public async Task ConfigMaps_Carry_No_Generation()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (_, cm) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));

        Assert.Null(cm["metadata"]!["generation"]);
    }

    [Fact]
    public async Task An_Update_That_Changes_Nothing_Keeps_The_ResourceVersion()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, created) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));

        var (code, same) = await http.PutJsonAsync(ConfigMaps + "/c", created);
        var (_, patched) = await http.PatchJsonAsync(ConfigMaps + "/c", JsonNode.Parse("""{"data":{"k":"v"}}""")!);

        Assert.Equal(200, code);
        Assert.Equal(created.Rv(), same.Rv());
        Assert.Equal(created.Rv(), patched.Rv());
    }

    [Fact]
    public async Task Status_Written_Through_The_Main_Resource_Is_Ignored_When_A_Status_Subresource_Exists()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var w = KubeHttp.Widget("s");
        w["status"] = new JsonObject { ["phase"] = "FromCreate" };
        var (_, created) = await http.PostJsonAsync(KubeHttp.WidgetsPath, w);
        var createdStatus = created["status"]?.DeepClone();

        created["status"] = new JsonObject { ["phase"] = "FromUpdate" };
        created["spec"]!["size"] = 9;
        var (_, updated) = await http.PutJsonAsync(KubeHttp.WidgetsPath + "/s", created);
        var (_, patched) = await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/s", JsonNode.Parse("""{"status":{"phase":"FromPatch"}}""")!);

        Assert.Null(createdStatus);
        Assert.Null(updated["status"]);
        Assert.Equal(9, (int?)updated["spec"]!["size"]);
        Assert.Null(patched["status"]);
    }

    [Fact]
    public async Task Status_Subresource_Writes_Change_Only_Status_And_Keep_Generation()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, created) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("s"));

        created["spec"]!["size"] = 42;
        created["metadata"]!["labels"] = new JsonObject { ["sneaky"] = "yes" };
        created["status"] = new JsonObject { ["phase"] = "Ready" };
        var (code, updated) = await http.PutJsonAsync(KubeHttp.WidgetsPath + "/s/status", created);
        var (_, read) = await http.GetJsonAsync(KubeHttp.WidgetsPath + "/s/status");

        Assert.Equal(200, code);
        Assert.Equal("Ready", (string?)updated["status"]!["phase"]);
        Assert.Equal(1, (int?)updated["spec"]!["size"]);
        Assert.Null(updated["metadata"]!["labels"]);
        Assert.Equal(1, updated.Generation());
        Assert.Equal("Ready", (string?)read["status"]!["phase"]);
    }

    [Fact]
    public async Task Status_Subresource_Is_404_For_A_Resource_Without_One()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));

        var (code, _) = await http.GetJsonAsync(ConfigMaps + "/c/status");

        Assert.Equal(404, code);
    }

    [Fact]
    public async Task Merge_Patch_Deletes_Fields_Set_To_Null_And_Replaces_Lists()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var w = KubeHttp.Widget("m");
        w["spec"]!["tags"] = new JsonArray("a", "b");
        w["spec"]!["color"] = "red";
        await http.PostJsonAsync(KubeHttp.WidgetsPath, w);

        var (code, patched) = await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/m", JsonNode.Parse("""{"spec":{"color":null,"tags":["c"]}}""")!);

        Assert.Equal(200, code);
        Assert.Null(patched["spec"]!["color"]);
        Assert.Equal("""["c"]""", patched["spec"]!["tags"]!.ToJsonString());
        Assert.Equal(1, (int?)patched["spec"]!["size"]);
    }

    [Fact]
    public async Task Merge_Patch_With_A_Stale_ResourceVersion_Returns_409()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, created) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("m"));
        await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/m", JsonNode.Parse("""{"spec":{"size":2}}""")!);

        var (code, _) = await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/m",
            JsonNode.Parse($$$"""{"metadata":{"resourceVersion":"{{{created.Rv()}}}"},"spec":{"size":3}}""")!);

        Assert.Equal(409, code);
    }

    [Fact]
    public async Task Strategic_Merge_Patch_Merges_Containers_By_Name()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var deployment = JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},
             "spec":{"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},
             "spec":{"containers":[{"name":"app","image":"a:1"},{"name":"side","image":"s:1"}]}}}}
            """)!.AsObject();
        await http.PostJsonAsync("/apis/apps/v1/namespaces/default/deployments", deployment);

        var (code, patched) = await http.PatchJsonAsync("/apis/apps/v1/namespaces/default/deployments/d",
            JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:2"}]}}}}""")!, KubeHttp.Strategic);

        Assert.Equal(200, code);
        var containers = patched["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(2, containers.Count);
        Assert.Equal("a:2", (string?)containers[0]!["image"]);
        Assert.Equal("s:1", (string?)containers[1]!["image"]);
        Assert.Equal(2, patched.Generation());
    }

    [Fact]
    public async Task Strategic_Merge_Patch_Of_A_Custom_Resource_Returns_415()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("x"));

        var (code, body) = await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/x", JsonNode.Parse("""{"spec":{"size":2}}""")!, KubeHttp.Strategic);

        Assert.Equal(415, code);
        Assert.Equal("UnsupportedMediaType", (string?)body["reason"]);
    }

    [Fact]
    public async Task Json_Patch_Applies_Its_Operations_In_Order()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("j"));

        var (code, patched) = await http.PatchJsonAsync(ConfigMaps + "/j", JsonNode.Parse("""
            [{"op":"add","path":"/data/x","value":"1"},{"op":"remove","path":"/data/k"},{"op":"test","path":"/data/x","value":"1"}]
            """)!, KubeHttp.JsonPatch);
        var (failed, _) = await http.PatchJsonAsync(ConfigMaps + "/j", JsonNode.Parse("""[{"op":"test","path":"/data/x","value":"2"}]""")!, KubeHttp.JsonPatch);

        Assert.Equal(200, code);
        Assert.Equal("""{"x":"1"}""", patched["data"]!.ToJsonString());
        Assert.Equal(422, failed);
    }

    [Fact]
    public async Task Apply_Patch_Creates_Then_Merges_And_Requires_A_Field_Manager()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        const string yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: applied
            data:
              a: "1"
            """;

        using var noManager = new HttpRequestMessage(HttpMethod.Patch, ConfigMaps + "/applied") { Content = new StringContent(yaml) };
        noManager.Content.Headers.ContentType = new(KubeHttp.Apply);
        var rejected = await http.SendAsync(noManager, KubeHttp.Bounded());
        var (created, first) = await SendApplyAsync(http, ConfigMaps + "/applied?fieldManager=test", yaml);
        var (merged, second) = await SendApplyAsync(http, ConfigMaps + "/applied?fieldManager=test", yaml.Replace("a: \"1\"", "b: \"2\"", StringComparison.Ordinal));

        Assert.Equal(422, (int)rejected.StatusCode);
        Assert.Equal(201, created);
        Assert.Equal("1", (string?)first["data"]!["a"]);
        Assert.Equal(200, merged);
        Assert.Equal("2", (string?)second["data"]!["b"]);
    }

    private static async Task<(int, JsonObject)> SendApplyAsync(HttpClient http, string path, string yaml)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = new StringContent(yaml) };
        request.Content.Headers.ContentType = new(KubeHttp.Apply);
        using var response = await http.SendAsync(request, KubeHttp.Bounded());
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(KubeHttp.Bounded()))!.AsObject());
    }

    [Theory]
    [InlineData("app=web", "w1,w2")]
    [InlineData("app==web,tier=front", "w1")]
    [InlineData("app!=web", "d1,x1")]
    [InlineData("tier in (front,back)", "d1,w1,w2")]
    [InlineData("tier notin (front)", "d1,w2,x1")]
    [InlineData("tier", "d1,w1,w2")]
    [InlineData("!tier", "x1")]
    [InlineData("app=web,!tier", "")]
    public async Task List_Filters_By_Label_Selector(string selector, string expected)
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("w1", labels: new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("w2", labels: new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back" }));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("d1", labels: new Dictionary<string, string> { ["app"] = "db", ["tier"] = "back" }));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("x1"));

        var (code, list) = await http.GetJsonAsync(ConfigMaps + "?labelSelector=" + Uri.EscapeDataString(selector));

        Assert.Equal(200, code);
        Assert.Equal("ConfigMapList", (string?)list["kind"]);
        Assert.Equal(expected, string.Join(',', list["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["name"])));
        Assert.Equal(kube.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)list["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public async Task A_List_By_Label_On_A_Large_Store_Answers_As_A_Scan_Would_Through_Relabels_Deletes_And_Pages()
    {
        // Above the size where the store answers equality selectors from its label index.
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.CreateNamespace("other");
        var expected = new SortedDictionary<string, (string Ns, string Group)>(StringComparer.Ordinal);
        for (var i = 0; i < 120; i++)
        {
            var (ns, name, group) = (i % 3 == 0 ? "other" : "default", "cm-" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture), "g" + (i % 5));
            Assert.True(kube.Create("v1", "configmaps", KubeHttp.ConfigMap(name, ns, new Dictionary<string, string> { ["group"] = group, ["tier"] = i % 2 == 0 ? "a" : "b" })).IsSuccess);
            expected[ns + "/" + name] = (ns, group);
        }

        async Task<string> NamesAsync(string path)
        {
            var (code, list) = await http.GetJsonAsync(path);
            Assert.Equal(200, code);
            return string.Join(',', list["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["name"]));
        }

        string Expected(string ns, string group) => string.Join(',', expected.Where(e => e.Value == (ns, group)).Select(e => e.Key[(ns.Length + 1)..]));

        Assert.Equal(Expected("default", "g1"), await NamesAsync(ConfigMaps + "?labelSelector=group%3Dg1"));

        // Relabel some objects out of g1 and others into it, delete a few: the index follows every commit.
        foreach (var name in new[] { "cm-001", "cm-011", "cm-002", "cm-004" })
        {
            Assert.True(kube.Mutate("v1", "configmaps", "default", name, o => o["metadata"]!["labels"]!["group"] = name == "cm-001" || name == "cm-011" ? "g9" : "g1").IsSuccess);
            expected["default/" + name] = ("default", name == "cm-001" || name == "cm-011" ? "g9" : "g1");
        }

        foreach (var name in new[] { "cm-016", "cm-026" })
        {
            Assert.True(kube.Delete("v1", "configmaps", "default", name).IsSuccess);
            expected.Remove("default/" + name);
        }

        Assert.Equal(Expected("default", "g1"), await NamesAsync(ConfigMaps + "?labelSelector=group%3Dg1"));
        Assert.Equal(Expected("default", "g9"), await NamesAsync(ConfigMaps + "?labelSelector=group%3D%3Dg9"));
        Assert.Equal(Expected("other", "g1"), await NamesAsync("/api/v1/namespaces/other/configmaps?labelSelector=group%3Dg1"));
        Assert.Equal(
            string.Join(',', expected.Where(e => e.Value == ("default", "g1")).Select(e => e.Key[8..]).Where(n => int.Parse(n[3..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1)),
            await NamesAsync(ConfigMaps + "?labelSelector=" + Uri.EscapeDataString("group=g1,tier!=a")));

        // Pages of an indexed list are the scan's pages.
        var paged = new List<string>();
        string? token = null;
        do
        {
            var (_, page) = await http.GetJsonAsync(ConfigMaps + "?labelSelector=group%3Dg1&limit=3" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token)));
            paged.AddRange(page["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
            token = (string?)page["metadata"]!["continue"];
        }
        while (token is not null);
        Assert.Equal(Expected("default", "g1"), string.Join(',', paged));
    }

    [Fact]
    public async Task List_Filters_By_Field_Selector_And_Rejects_Unsupported_Fields()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.CreateNamespace("other");
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("b"));
        await http.PostJsonAsync("/api/v1/namespaces/other/configmaps", KubeHttp.ConfigMap("a", "other"));

        var (_, byName) = await http.GetJsonAsync("/api/v1/configmaps?fieldSelector=metadata.name%3Da");
        var (_, byNs) = await http.GetJsonAsync("/api/v1/configmaps?fieldSelector=metadata.namespace%3Dother");
        var (_, notB) = await http.GetJsonAsync(ConfigMaps + "?fieldSelector=metadata.name!%3Db");
        var (bad, body) = await http.GetJsonAsync(ConfigMaps + "?fieldSelector=data.k%3Dv");

        Assert.Equal(2, byName["items"]!.AsArray().Count);
        Assert.Single(byNs["items"]!.AsArray());
        Assert.Equal("a", (string?)notB["items"]![0]!["metadata"]!["name"]);
        Assert.Single(notB["items"]!.AsArray());
        Assert.Equal(400, bad);
        Assert.Equal("field label not supported: data.k", (string?)body["message"]);
    }

    [Fact]
    public async Task List_Pages_With_Limit_And_Continue()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        foreach (var n in new[] { "a", "b", "c", "d", "e" })
        {
            await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap(n));
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var (_, page) = await http.GetJsonAsync(ConfigMaps + "?limit=2" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token)));
            names.AddRange(page["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
            token = (string?)page["metadata"]!["continue"];
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["a", "b", "c", "d", "e"], names);
    }

    [Fact]
    public async Task Delete_Returns_A_Success_Status_For_ConfigMaps_And_The_Object_For_Custom_Resources()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));
        await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("w"));

        var (c1, cmBody) = await http.DeleteJsonAsync(ConfigMaps + "/c");
        var (c2, wBody) = await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/w");
        var (c3, _) = await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/w");

        Assert.Equal((200, 200, 404), (c1, c2, c3));
        Assert.Equal("Success", (string?)cmBody["status"]);
        Assert.Equal("Widget", (string?)wBody["kind"]);
    }

    [Fact]
    public async Task Delete_With_A_Stale_Precondition_Returns_409_And_Keeps_The_Object()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));

        var (code, _) = await http.DeleteJsonAsync(ConfigMaps + "/c", JsonNode.Parse("""{"preconditions":{"resourceVersion":"1"}}""")!.AsObject());
        var (still, _) = await http.GetJsonAsync(ConfigMaps + "/c");

        Assert.Equal(409, code);
        Assert.Equal(200, still);
    }

    [Fact]
    public async Task DeleteCollection_Removes_Only_Matching_Objects()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("keep"));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("drop", labels: new Dictionary<string, string> { ["x"] = "1" }));

        var (code, _) = await http.DeleteJsonAsync(ConfigMaps + "?labelSelector=x%3D1");
        var (_, list) = await http.GetJsonAsync(ConfigMaps);

        Assert.Equal(200, code);
        Assert.Equal("keep", (string?)list["items"]!.AsArray().Single()!["metadata"]!["name"]);
    }
}
