public enum InvDB { public static let version = "0.1.0" }
