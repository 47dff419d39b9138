window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000010"
          ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "uptime",
            "indices" : [
              "43",
              "50"
            ]
          }
        ],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : [],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/contoso_support/status/1800000000000000010/photo/1",
            "indices" : [
              "52",
              "75"
            ],
            "url" : "https://t.co/CoNtOsO010",
            "media_url" : "http://pbs.twimg.com/media/GcStatus1.png",
            "id_str" : "1800000000000000910",
            "id" : "1800000000000000910",
            "media_url_https" : "https://pbs.twimg.com/media/GcStatus1.png",
            "sizes" : {
              "thumb" : {
                "w" : "150",
                "h" : "150",
                "resize" : "crop"
              },
              "large" : {
                "w" : "16",
                "h" : "16",
                "resize" : "fit"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/CoNtOsO010"
          }
        ]
      },
      "display_text_range" : [
        "0",
        "73"
      ],
      "favorite_count" : "18",
      "id_str" : "1800000000000000010",
      "truncated" : false,
      "retweet_count" : "4",
      "id" : "1800000000000000010",
      "created_at" : "Mon Jun 03 08:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Service status: all systems operational ✅ #uptime https://t.co/CoNtOsO010",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/contoso_support/status/1800000000000000010/photo/1",
            "indices" : [
              "52",
              "75"
            ],
            "url" : "https://t.co/CoNtOsO010",
            "media_url" : "http://pbs.twimg.com/media/GcStatus1.png",
            "id_str" : "1800000000000000910",
            "id" : "1800000000000000910",
            "media_url_https" : "https://pbs.twimg.com/media/GcStatus1.png",
            "sizes" : {
              "thumb" : {
                "w" : "150",
                "h" : "150",
                "resize" : "crop"
              },
              "large" : {
                "w" : "16",
                "h" : "16",
                "resize" : "fit"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/CoNtOsO010"
          }
        ]
      }
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000009"
          ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : [
          {
            "url" : "https://t.co/CoNtOsO009",
            "expanded_url" : "https://twitter.com/northwind_lee/status/1799000000000000777",
            "display_url" : "twitter.com/northwind_lee/status/1…",
            "indices" : [
              "26",
              "49"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "47"
      ],
      "favorite_count" : "9",
      "id_str" : "1800000000000000009",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000009",
      "created_at" : "Sun Jun 02 17:45:00 +0000 2024",
      "favorited" : false,
      "full_text" : "This is how it’s done 👏 https://t.co/CoNtOsO009",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000008"
          ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Pat (Fabrikam)",
            "screen_name" : "fabrikam_pat",
            "indices" : [
              "3",
              "16"
            ],
            "id_str" : "1450000000000000002",
            "id" : "1450000000000000002"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "72"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000008",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000008",
      "created_at" : "Sun Jun 02 09:30:00 +0000 2024",
      "favorited" : false,
      "full_text" : "RT @fabrikam_pat: Fabrikam &amp; Contoso: the integration guide is live!",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000007"
          ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "44"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000007",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000007",
      "created_at" : "Sat Jun 01 25:61:00 +0000 2024",
      "favorited" : false,
      "full_text" : "A tweet whose date was damaged in the export",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000006"
          ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Lee Northwind",
            "screen_name" : "northwind_lee",
            "indices" : [
              "0",
              "14"
            ],
            "id_str" : "1450000000000000003",
            "id" : "1450000000000000003"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "58"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000006",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000006",
      "created_at" : "Sat Jun 01 12:05:00 +0000 2024",
      "favorited" : false,
      "full_text" : "@northwind_lee Glad to hear it! Anything else, just DM us.",
      "lang" : "en",
      "in_reply_to_status_id_str" : "1799000000000000555",
      "in_reply_to_status_id" : "1799000000000000555",
      "in_reply_to_user_id_str" : "1450000000000000003",
      "in_reply_to_user_id" : "1450000000000000003",
      "in_reply_to_screen_name" : "northwind_lee"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000005"
          ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Lee Northwind",
            "screen_name" : "northwind_lee",
            "indices" : [
              "0",
              "14"
            ],
            "id_str" : "1450000000000000003",
            "id" : "1450000000000000003"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "89"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000005",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000005",
      "created_at" : "Sat Jun 01 11:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "@northwind_lee Sorry about that! Could you try clearing the cache &amp; signing in again?",
      "lang" : "en",
      "in_reply_to_status_id_str" : "1799000000000000444",
      "in_reply_to_status_id" : "1799000000000000444",
      "in_reply_to_user_id_str" : "1450000000000000003",
      "in_reply_to_user_id" : "1450000000000000003",
      "in_reply_to_screen_name" : "northwind_lee"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000004"
          ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "41"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000004",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000004",
      "created_at" : "Fri May 31 16:02:00 +0000 2024",
      "favorited" : false,
      "full_text" : "3/3 Questions? Reply here or write to us.",
      "lang" : "en",
      "in_reply_to_status_id_str" : "1800000000000000003",
      "in_reply_to_status_id" : "1800000000000000003",
      "in_reply_to_user_id_str" : "1450000000000000001",
      "in_reply_to_user_id" : "1450000000000000001",
      "in_reply_to_screen_name" : "contoso_support"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000003"
          ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "80"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000003",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000003",
      "created_at" : "Fri May 31 16:01:00 +0000 2024",
      "favorited" : false,
      "full_text" : "2/3 Nothing to do on your side: it installs by itself tonight (22:00–23:00 UTC).",
      "lang" : "en",
      "in_reply_to_status_id_str" : "1800000000000000002",
      "in_reply_to_status_id" : "1800000000000000002",
      "in_reply_to_user_id_str" : "1450000000000000001",
      "in_reply_to_user_id" : "1450000000000000001",
      "in_reply_to_screen_name" : "contoso_support"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000002"
          ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "80"
      ],
      "favorite_count" : "25",
      "id_str" : "1800000000000000002",
      "truncated" : false,
      "retweet_count" : "11",
      "id" : "1800000000000000002",
      "created_at" : "Fri May 31 16:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "1/3 Maintenance notice: version 5.2 of the Contoso app ships tonight. A thread 🧵",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000001"
          ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "75"
      ],
      "favorite_count" : "6",
      "id_str" : "1800000000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000001",
      "created_at" : "Thu May 30 07:00:00 -0700 2024",
      "favorited" : false,
      "full_text" : "Bonjour ! Notre équipe répond aussi en français. Hola, ¡también en español!",
      "lang" : "fr"
    }
  }
]