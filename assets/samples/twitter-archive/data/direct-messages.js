window.YTD.direct_messages.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1450000000000000001-1450000000000000003",
      "messages" : [
        {
          "messageCreate" : {
            "recipientId" : "1450000000000000003",
            "reactions" : [
              {
                "senderId" : "1450000000000000003",
                "reactionKey" : "like",
                "eventId" : "1800000000000000701",
                "createdAt" : "2024-06-01T12:31:00.000Z"
              }
            ],
            "urls" : [
              {
                "url" : "https://t.co/CoNtOsODm1",
                "expanded" : "https://support.contoso.com/tickets/48213",
                "display" : "support.contoso.com/tickets/48…"
              }
            ],
            "text" : "Thanks Lee, your ticket is https://t.co/CoNtOsODm1 — we will keep you posted.",
            "mediaUrls" : [],
            "senderId" : "1450000000000000001",
            "id" : "1800000000000000103",
            "createdAt" : "2024-06-01T12:30:00.000Z",
            "editHistory" : []
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "1450000000000000001",
            "reactions" : [],
            "urls" : [],
            "text" : "Here is the error I get https://t.co/CoNtOsODm2",
            "mediaUrls" : [
              "https://ton.twitter.com/1.1/ton/data/dm/1800000000000000102/1800000000000000802/ErrorShot.png"
            ],
            "senderId" : "1450000000000000003",
            "id" : "1800000000000000102",
            "createdAt" : "2024-06-01T12:20:00.000Z",
            "editHistory" : []
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "1450000000000000001",
            "reactions" : [],
            "urls" : [],
            "text" : "Hi, the app still logs me out every few minutes.",
            "mediaUrls" : [],
            "senderId" : "1450000000000000003",
            "id" : "1800000000000000101",
            "createdAt" : "2024-06-01T12:15:00.000Z",
            "editHistory" : []
          }
        }
      ]
    }
  }
]