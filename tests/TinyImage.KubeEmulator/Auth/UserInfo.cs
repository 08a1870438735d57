namespace TinyImage.KubeEmulator.Auth;

/// <summary>An authenticated identity, as the API server's user.Info carries it.</summary>
/// <param name="Name">User name, e.g. <c>system:serviceaccount:demo:builder</c>.</param>
/// <param name="Groups">Groups, e.g. <c>system:serviceaccounts</c>, <c>system:authenticated</c>.</param>
internal sealed record UserInfo(string Name, IReadOnlyList<string> Groups)
{
    /// <summary>The group whose members every request is allowed for (the real server's privileged-group authorizer).</summary>
    public const string Masters = "system:masters";

    /// <summary>The identity of requests without a token or with the kubeconfig's admin token: a cluster admin.</summary>
    public static UserInfo Admin { get; } = new("kubernetes-admin", [Masters, "system:authenticated"]);

    /// <summary>True for members of system:masters, whom the real server allows everything before RBAC is asked.</summary>
    public bool IsPrivileged => Groups.Contains(Masters);

    /// <summary>The identity of a ServiceAccount token (serviceaccount.UserInfo in the real server).</summary>
    public static UserInfo ServiceAccount(string ns, string name) =>
        new(ServiceAccountUser(ns, name), ["system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"]);

    /// <summary><c>system:serviceaccount:NS:NAME</c>.</summary>
    public static string ServiceAccountUser(string ns, string name) => "system:serviceaccount:" + ns + ":" + name;
}
