using System.Globalization;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Building;

/// <summary>
/// The build-hash keys of build env, build secrets and build pod placement: each in the Job's immutable pod template, so
/// each takes part. Only set values add keys, so the hash of a TinyImage that uses none of them is what it was before.
/// </summary>
internal static class BuildHashExtras
{
    public static void Put(SortedDictionary<string, string> kv, BuildSpec b)
    {
        ArgumentNullException.ThrowIfNull(kv);
        ArgumentNullException.ThrowIfNull(b);
        foreach (var name in ContainerfileGenerator.BuildArgNames(b))
        {
            kv["build.env." + name] = b.Env!.Last(e => e.Name == name).Value;
        }

        if (b.Secrets is { } s)
        {
            foreach (var r in s.CargoRegistries ?? [])
            {
                kv["build.secrets.cargoRegistries." + SpecValidator.CargoRegistryEnvName(r.Registry)] = r.SecretName + "/" + r.Key;
            }

            if (s.GitHttpsSecret is { } https)
            {
                kv["build.secrets.gitHttpsSecret"] = https;
            }

            if (s.GitSshSecret is { } ssh)
            {
                kv["build.secrets.gitSshSecret"] = ssh;
            }
        }

        foreach (var (key, value) in b.NodeSelector ?? new Dictionary<string, string>())
        {
            kv["build.nodeSelector." + key] = value;
        }

        var tolerations = b.Tolerations ?? [];
        for (var i = 0; i < tolerations.Count; i++)
        {
            var t = tolerations[i];
            kv["build.tolerations[" + i.ToString("D3", CultureInfo.InvariantCulture) + "]"] =
                string.Join('|', t.Key ?? "", t.Operator, t.Value ?? "", t.Effect ?? "", t.TolerationSeconds?.ToString(CultureInfo.InvariantCulture) ?? "");
        }

        if (b.ServiceAccountName is { } account)
        {
            kv["build.serviceAccountName"] = account;
        }
    }
}
