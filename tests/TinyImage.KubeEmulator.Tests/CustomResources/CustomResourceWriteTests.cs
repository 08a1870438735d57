using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.CustomResources;

/// <summary>
/// What the apiextensions server does to a custom resource on write (pruning, defaulting, kube-openapi schema
/// validation, then x-kubernetes-validations) and on read (defaulting), and the request and object size limits.
/// </summary>
public sealed class CustomResourceWriteTests
{
    private static JsonObject Schema() => new()
    {
        ["replicas"] = new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["maximum"] = 10, ["default"] = 1 },
        ["mode"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("fast", "safe") },
        ["word"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z]+$", ["maxLength"] = 5 },
        ["tags"] = new JsonObject { ["type"] = "array", ["maxItems"] = 2, ["items"] = new JsonObject { ["type"] = "string" } },
        ["extra"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
        ["nested"] = new JsonObject
        {
            ["type"] = "object",
            ["default"] = new JsonObject(),
            ["properties"] = new JsonObject { ["level"] = new JsonObject { ["type"] = "string", ["default"] = "info" } },
        },
        ["fixed"] = new JsonObject
        {
            ["type"] = "string",
            ["x-kubernetes-validations"] = new JsonArray(new JsonObject { ["rule"] = "self == oldSelf", ["message"] = "fixed is immutable" }),
        },
    };

    private static JsonArray SpecRules() => new(new JsonObject { ["rule"] = "self.replicas < 5 || self.mode == 'safe'", ["message"] = "more than 4 replicas need mode safe" });

    private static async Task<(ApiServerEmulator Kube, HttpClient Http)> StartAsync()
    {
        var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (code, body) = await http.PostJsonAsync(Crds.Path, Crds.Thing(Schema(), SpecRules()));
        Assert.True(code == 201, body.ToJsonString());
        return (kube, http);
    }

    [Fact]
    public async Task Unknown_Fields_Are_Pruned_Except_Under_Preserve_Unknown_Fields()
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;

        var thing = Crds.ThingObject("a", new JsonObject { ["unknown"] = 1, ["extra"] = new JsonObject { ["kept"] = true } });
        thing["unknownTopLevel"] = "x";

        var (code, body) = await http.PostJsonAsync(Crds.ThingsPath, thing);

        Assert.Equal(201, code);
        Assert.False(body["spec"]!.AsObject().ContainsKey("unknown"));
        Assert.Equal(true, (bool?)body["spec"]!["extra"]!["kept"]);
        Assert.False(body.ContainsKey("unknownTopLevel"));
    }

    [Fact]
    public async Task Defaults_Are_Applied_On_Create_Including_Inside_A_Defaulted_Object()
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;

        var (_, body) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", []));

        Assert.Equal(1, (int?)body["spec"]!["replicas"]);
        Assert.Equal("info", (string?)body["spec"]!["nested"]!["level"]);
    }

    [Fact]
    public async Task A_Default_Added_To_The_Crd_Later_Appears_On_Read_Of_An_Existing_Object()
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;
        Assert.Equal(201, (await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", []))).Code);
        var (_, crd) = await http.GetJsonAsync(Crds.Path + "/things.example.com");
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["color"] = new JsonObject { ["type"] = "string", ["default"] = "blue" };
        Assert.Equal(200, (await http.PutJsonAsync(Crds.Path + "/things.example.com", crd)).Code);

        var (code, body) = await http.GetJsonAsync(Crds.ThingsPath + "/a");

        Assert.Equal(200, code);
        Assert.Equal("blue", (string?)body["spec"]!["color"]);
    }

    [Fact]
    public async Task A_Watch_Shows_A_Default_Added_To_The_Crd_Later_And_Otherwise_The_Object_As_Read()
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;
        Assert.Equal(201, (await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", []))).Code);
        var (_, asRead) = await http.GetJsonAsync(Crds.ThingsPath + "/a");
        List<(string Type, JsonObject Object)> before;
        await using (var watch = await WatchStream.OpenAsync(http, Crds.ThingsPath + "?watch=true"))
        {
            before = await watch.TakeAsync(1);
        }

        var (_, crd) = await http.GetJsonAsync(Crds.Path + "/things.example.com");
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["color"] = new JsonObject { ["type"] = "string", ["default"] = "blue" };
        Assert.Equal(200, (await http.PutJsonAsync(Crds.Path + "/things.example.com", crd)).Code);
        await using var after = await WatchStream.OpenAsync(http, Crds.ThingsPath + "?watch=true");
        var (type, defaulted) = (await after.TakeAsync(1))[0];

        // Served as stored while no default is missing (the same JSON as a GET), defaulted on read once one is.
        Assert.Equal(asRead.ToJsonString(), before[0].Object.ToJsonString());
        Assert.Equal("ADDED", type);
        Assert.Equal("blue", (string?)defaulted["spec"]!["color"]);
        Assert.Null(asRead["spec"]!["color"]);
    }

    [Fact]
    public async Task A_List_Shows_Each_Item_As_A_Get_Does_Defaulted_On_Read_Where_A_Default_Was_Added_Later()
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;
        Assert.Equal(201, (await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", []))).Code);
        var (_, before) = await http.GetJsonAsync(Crds.ThingsPath);
        var (_, crd) = await http.GetJsonAsync(Crds.Path + "/things.example.com");
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["color"] = new JsonObject { ["type"] = "string", ["default"] = "blue" };
        Assert.Equal(200, (await http.PutJsonAsync(Crds.Path + "/things.example.com", crd)).Code);
        Assert.Equal(201, (await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("b", []))).Code);

        var (code, after) = await http.GetJsonAsync(Crds.ThingsPath + "?limit=1");
        var (_, a) = await http.GetJsonAsync(Crds.ThingsPath + "/a");
        var (_, rest) = await http.GetJsonAsync(Crds.ThingsPath + "?limit=1&continue=" + Uri.EscapeDataString((string)after["metadata"]!["continue"]!));
        var (_, b) = await http.GetJsonAsync(Crds.ThingsPath + "/b");

        Assert.Null(before["items"]![0]!["spec"]!["color"]);
        Assert.Equal(200, code);
        Assert.Equal("ThingList", (string?)after["kind"]);
        Assert.Equal(1, (int?)after["metadata"]!["remainingItemCount"]);
        Assert.Equal(a.ToJsonString(), after["items"]![0]!.ToJsonString());
        Assert.Equal("blue", (string?)after["items"]![0]!["spec"]!["color"]);
        Assert.Equal(b.ToJsonString(), rest["items"]![0]!.ToJsonString());
        Assert.Equal(kube.List("example.com/v1", "things", "default").Select(o => o.ToJsonString()), [a.ToJsonString(), b.ToJsonString()]);
    }

    [Fact]
    public async Task A_Spec_Left_Unchanged_Passes_A_Tightened_Schema_By_Ratcheting_But_A_Changed_Spec_Is_Validated()
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;
        Assert.Equal(201, (await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", new JsonObject { ["replicas"] = 3, ["mode"] = "safe" }))).Code);
        var (_, stored) = await http.GetJsonAsync(Crds.ThingsPath + "/a");
        stored["metadata"]!["labels"] = new JsonObject { ["step"] = "one" };
        var (sameSchema, relabelled) = await http.PutJsonAsync(Crds.ThingsPath + "/a", stored);
        var (_, crd) = await http.GetJsonAsync(Crds.Path + "/things.example.com");
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["replicas"]!["maximum"] = 2;
        Assert.Equal(200, (await http.PutJsonAsync(Crds.Path + "/things.example.com", crd)).Code);
        relabelled["metadata"]!["labels"]!["step"] = "two";

        var (unchanged, unchangedBody) = await http.PutJsonAsync(Crds.ThingsPath + "/a", relabelled);
        unchangedBody["spec"]!["replicas"] = 4;
        var (changed, refused) = await http.PutJsonAsync(Crds.ThingsPath + "/a", unchangedBody);

        // Validation ratcheting (CRDValidationRatcheting, GA in 1.33): the error of the unchanged replicas under the tightened
        // schema is dropped; a changed replicas is validated.
        Assert.Equal(200, sameSchema);
        Assert.True(unchanged == 200, unchangedBody.ToJsonString());
        Assert.Equal(422, changed);
        Assert.Contains("spec.replicas: Invalid value: 4: spec.replicas in body should be less than or equal to 2", Crds.Causes(refused));
    }

    [Fact]
    public async Task A_Rule_Met_Again_With_An_Input_It_Saw_Before_Gives_The_Same_Outcome_And_A_New_Input_Its_Own()
    {
        // Outcomes of rules without oldSelf are kept per rule and observed input: repeating an input must not change
        // anything, nor may one input's outcome leak to another.
        var (kube, http) = await StartAsync();
        await using var _ = kube;
        var codes = new List<int>();
        var messages = new List<string?>();
        foreach (var (name, replicas, mode) in new[] { ("a", 6, "safe"), ("b", 6, "fast"), ("c", 6, "safe"), ("d", 6, "fast"), ("e", 4, "fast") })
        {
            var (code, body) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject(name, new JsonObject { ["replicas"] = replicas, ["mode"] = mode }));
            codes.Add(code);
            messages.Add(code == 422 ? (string?)body["message"] : null);
        }

        Assert.Equal([201, 422, 201, 422, 201], codes);
        Assert.Equal("Thing.example.com \"b\" is invalid: spec: Invalid value: \"object\": more than 4 replicas need mode safe", messages[1]);
        Assert.Equal("Thing.example.com \"d\" is invalid: spec: Invalid value: \"object\": more than 4 replicas need mode safe", messages[3]);
    }

    [Fact]
    public async Task A_Root_Rule_On_The_Name_Is_Kept_Per_Name_And_Spec_Whatever_Else_The_Objects_Share()
    {
        // A root rule observes metadata.name (and generateName) and the fields it names: the kept outcome's input holds
        // exactly those, so objects alike but for their name, or their spec, each get their own outcome.
        var kube = await KubeHttp.StartAsync();
        await using var _ = kube;
        var http = kube.CreateHttpClient();
        var rules = new JsonArray(new JsonObject { ["rule"] = "self.metadata.name.startsWith('ok') || self.spec.mode == 'safe'", ["message"] = "name or mode" });
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, Crds.Thing(Schema(), rootExtra: new JsonObject { ["x-kubernetes-validations"] = rules }))).Code);
        var codes = new List<int>();
        foreach (var (name, mode) in new[] { ("ok-a", "fast"), ("no-a", "fast"), ("ok-b", "fast"), ("no-b", "safe"), ("no-c", "fast"), ("ok-c", "fast") })
        {
            codes.Add((await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject(name, new JsonObject { ["mode"] = mode }))).Code);
        }

        Assert.Equal([201, 422, 201, 201, 422, 201], codes);
    }

    public static TheoryData<string, string> SchemaViolations() => new()
    {
        { """{"mode":"slow"}""", "spec.mode: Unsupported value: \"slow\": supported values: \"fast\", \"safe\"" },
        { """{"replicas":11}""", "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10" },
        { """{"replicas":-1}""", "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0" },
        { """{"replicas":"two"}""", "spec.replicas: Invalid value: \"two\": spec.replicas in body must be of type integer: \"string\"" },
        { """{"word":"toolong"}""", "spec.word: Too long: may not be more than 5 bytes" },
        { """{"word":"Abc"}""", "spec.word: Invalid value: \"Abc\": spec.word in body should match '^[a-z]+$'" },
        // RE2: `$` is the end of the text; .NET's `$` would also match before a final newline.
        { """{"word":"abc\n"}""", "spec.word: Invalid value: \"abc\\n\": spec.word in body should match '^[a-z]+$'" },
        { """{"tags":["a","b","c"]}""", "spec.tags: Too many: 3: must have at most 2 items" },
        { """{"tags":["a",2]}""", "spec.tags[1]: Invalid value: 2: spec.tags[1] in body must be of type string: \"integer\"" },
        { """{"nested":{"level":5}}""", "spec.nested.level: Invalid value: 5: spec.nested.level in body must be of type string: \"integer\"" },
    };

    [Fact]
    public async Task Every_Schema_Error_Of_A_Body_Is_Named_At_Its_Own_Path_In_Document_Order()
    {
        // The schema walk builds no paths until it finds an error; then it walks again naming each one.
        var (kube, http) = await StartAsync();
        await using var _ = kube;

        var spec = JsonNode.Parse("""{"replicas":11,"tags":[1,"b"],"nested":{"level":true},"word":"ok"}""")!.AsObject();
        var (code, body) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", spec));

        Assert.Equal(422, code);
        Assert.Equal(
            [
                "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
                "spec.tags[0]: Invalid value: 1: spec.tags[0] in body must be of type string: \"integer\"",
                "spec.nested.level: Invalid value: true: spec.nested.level in body must be of type string: \"boolean\"",
            ],
            Crds.Causes(body).Where(c => c.StartsWith("spec.", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(SchemaViolations))]
    public async Task A_Custom_Resource_Against_Its_Schema_Is_Refused_With_Kube_Openapis_Message(string spec, string expected)
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;

        var (code, body) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", JsonNode.Parse(spec)!.AsObject()));

        Assert.Equal(422, code);
        Assert.Equal("Invalid", (string?)body["reason"]);
        Assert.Contains(expected, Crds.Causes(body));
    }

    [Fact]
    public async Task A_Required_Field_Missing_Is_Refused_And_Rules_Are_Not_Evaluated_After_A_Blocking_Error()
    {
        var kube = await KubeHttp.StartAsync();
        await using var _ = kube;
        var http = kube.CreateHttpClient();
        var crd = Crds.Thing(Schema(), SpecRules());
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["required"] = new JsonArray("mode");
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, crd)).Code);

        var (code, body) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", new JsonObject { ["replicas"] = 7 }));

        Assert.Equal(422, code);
        Assert.Equal(
            "Thing.example.com \"a\" is invalid: [spec.mode: Required value, <nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]",
            (string?)body["message"]);
    }

    [Fact]
    public async Task A_Failing_Rule_Is_Reported_At_Its_Object_With_Its_Message()
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;

        var (code, body) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", new JsonObject { ["replicas"] = 7, ["mode"] = "fast" }));
        var (ok, _) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("b", new JsonObject { ["replicas"] = 7, ["mode"] = "safe" }));

        Assert.Equal(422, code);
        Assert.Equal("Thing.example.com \"a\" is invalid: spec: Invalid value: \"object\": more than 4 replicas need mode safe", (string?)body["message"]);
        Assert.Equal(201, ok);
    }

    [Fact]
    public async Task Has_Tests_Presence_So_An_Empty_String_Or_Object_Counts_As_Set()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var crd = Crds.Thing(
            new JsonObject
            {
                ["value"] = new JsonObject { ["type"] = "string" },
                ["valueFrom"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
            },
            new JsonArray(new JsonObject { ["rule"] = "has(self.value) != has(self.valueFrom)", ["message"] = "set exactly one of value or valueFrom" }));
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, crd)).Code);

        var (emptyString, _) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", new JsonObject { ["value"] = "" }));
        var (emptyObject, _) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("b", new JsonObject { ["valueFrom"] = new JsonObject() }));
        var (neither, body) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("c", []));

        Assert.Equal(201, emptyString);
        Assert.Equal(201, emptyObject);
        Assert.Equal(422, neither);
        Assert.Equal("Thing.example.com \"c\" is invalid: spec: Invalid value: \"object\": set exactly one of value or valueFrom", (string?)body["message"]);
    }

    [Fact]
    public async Task A_Transition_Rule_Sees_OldSelf_On_Update_And_Is_Skipped_On_Create()
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;
        var (created, obj) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", new JsonObject { ["fixed"] = "one" }));
        Assert.Equal(201, created);

        obj["spec"]!["replicas"] = 2;
        var (same, updated) = await http.PutJsonAsync(Crds.ThingsPath + "/a", obj);
        updated["spec"]!["fixed"] = "two";
        var (changed, body) = await http.PutJsonAsync(Crds.ThingsPath + "/a", updated);

        Assert.Equal(200, same);
        Assert.Equal(422, changed);
        Assert.Equal("Thing.example.com \"a\" is invalid: spec.fixed: Invalid value: \"string\": fixed is immutable", (string?)body["message"]);
    }

    [Fact]
    public async Task A_Rule_Added_Later_Does_Not_Block_A_Status_Write_Of_An_Unchanged_Spec_But_Blocks_A_Spec_Change()
    {
        // Validation ratcheting: an error on a value the update leaves unchanged is not reported.
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var crd = Crds.Thing(new JsonObject { ["a"] = new JsonObject { ["type"] = "string" } });
        crd["spec"]!["versions"]![0]!["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["status"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, crd)).Code);
        Assert.Equal(201, (await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", new JsonObject { ["a"] = "old" }))).Code);
        var (_, current) = await http.GetJsonAsync(Crds.Path + "/things.example.com");
        current["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["x-kubernetes-validations"] =
            new JsonArray(new JsonObject { ["rule"] = "self.a != 'old'", ["message"] = "a must not be old" });
        Assert.Equal(200, (await http.PutJsonAsync(Crds.Path + "/things.example.com", current)).Code);

        var (status, _) = await http.PatchJsonAsync(Crds.ThingsPath + "/a/status", new JsonObject { ["status"] = new JsonObject { ["phase"] = "Ready" } });
        var (spec, _) = await http.PatchJsonAsync(Crds.ThingsPath + "/a", new JsonObject { ["spec"] = new JsonObject { ["a"] = "old", ["b"] = 1 } });
        var (label, _) = await http.PatchJsonAsync(Crds.ThingsPath + "/a", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["x"] = "y" } } });

        Assert.Equal(200, status);
        Assert.Equal(200, label);
        Assert.Equal(200, spec); // b is pruned, so the spec is unchanged
        var (changed, _) = await http.PatchJsonAsync(Crds.ThingsPath + "/a", new JsonObject { ["spec"] = new JsonObject { ["a"] = "older" } });
        Assert.Equal(200, changed);
        var (back, refusedBody) = await http.PatchJsonAsync(Crds.ThingsPath + "/a", new JsonObject { ["spec"] = new JsonObject { ["a"] = "old" } });
        Assert.Equal(422, back);
        Assert.Equal("Thing.example.com \"a\" is invalid: spec: Invalid value: \"object\": a must not be old", (string?)refusedBody["message"]);
    }

    [Fact]
    public async Task A_Custom_Resource_Name_Must_Be_A_Dns_Subdomain()
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;

        var (code, body) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("Bad_Name", []));
        var (dotted, _) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a.b-c", []));

        Assert.Equal(422, code);
        Assert.StartsWith("Thing.example.com \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", (string?)body["message"]);
        Assert.Equal(201, dotted);
    }

    [Fact]
    public async Task A_Body_Over_3_MiB_Is_Refused_With_413_And_An_Object_Over_1_5_MiB_Cannot_Be_Stored()
    {
        var (kube, http) = await StartAsync();
        await using var _ = kube;

        var (tooLarge, status) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("a", new JsonObject { ["extra"] = new JsonObject { ["blob"] = new string('x', (3 * 1024 * 1024) + 1) } }));
        var (etcd, etcdStatus) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("b", new JsonObject { ["extra"] = new JsonObject { ["blob"] = new string('x', 1600 * 1024) } }));
        var (fits, _) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("c", new JsonObject { ["extra"] = new JsonObject { ["blob"] = new string('x', 1500 * 1024) } }));

        Assert.Equal(413, tooLarge);
        Assert.Equal("RequestEntityTooLarge", (string?)status["reason"]);
        Assert.Equal("Request entity too large: limit is 3145728", (string?)status["message"]);
        Assert.Equal(500, etcd);
        Assert.Equal("etcdserver: request is too large", (string?)etcdStatus["message"]);
        Assert.Equal(201, fits);
    }
}
